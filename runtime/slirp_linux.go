package runtime

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/hashicorp/go-multierror"
	"golang.org/x/sys/unix"
)

// --net slirp: user-mode networking through slirp4netns. The container
// keeps its own network namespace; slirp4netns, a host process of the
// caller's, joins it (and its user namespace), adds tap0 (10.0.2.100/24,
// gateway 10.0.2.2, DNS 10.0.2.3) and turns the container's packets into
// ordinary sockets of its own on the host. So the container reaches what
// the caller could reach, and the host reaches the container only through
// ports published on the API socket (--publish): slirp4netns opens no
// listener otherwise. --disable-host-loopback stops 10.0.2.2 from leading
// to the host's 127.0.0.1 unless slirp:host-loopback asks for it.
// slirp4netns runs sandboxed (its own mount namespace with only /etc and
// /run, capabilities dropped) under its own seccomp filter.

// slirpReady bounds the wait for slirp4netns to configure tap0.
const slirpReady = 30 * time.Second

// slirpDNS is the resolver slirp4netns answers on inside the container.
const slirpDNS = "10.0.2.3"

// slirp is one running slirp4netns.
type slirp struct {
	cmd   *exec.Cmd
	exitW *os.File // closing it ends slirp4netns (--exit-fd)
	ready chan error
	dir   string // private directory: API socket, resolv.conf
	log   tailBuffer
}

// tailBuffer keeps the last bytes slirp4netns wrote to stderr: its chatter
// ("sent tapfd=7 for tap0") stays out of the container's stderr, its last
// words go into the error when it fails.
type tailBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > 4096 {
		t.buf = t.buf[len(t.buf)-4096:]
	}
	return len(p), nil
}

// last is the last non-empty line written.
func (t *tailBuffer) last() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	lines := strings.Split(strings.TrimSpace(string(t.buf)), "\n")
	return lines[len(lines)-1]
}

// prepareSlirp makes the private directory and the container's
// resolv.conf, a read-only volume at /etc/resolv.conf unless the caller
// mounts one there. It runs before the init starts.
func prepareSlirp(spec *Spec) (*slirp, error) {
	if _, err := exec.LookPath("slirp4netns"); err != nil {
		return nil, fmt.Errorf("%w: --net slirp needs slirp4netns (Debian package slirp4netns): %w", ErrInvalidSpec, err)
	}
	dir, err := os.MkdirTemp("", "lc-net-")
	if err != nil {
		return nil, fmt.Errorf("slirp: %w", err)
	}
	s := &slirp{dir: dir}
	conf := filepath.Join(dir, "resolv.conf")
	if err := os.WriteFile(conf, []byte("nameserver "+slirpDNS+"\n"), 0o644); err != nil {
		s.remove()
		return nil, fmt.Errorf("slirp: %w", err)
	}
	for _, v := range spec.Volumes {
		if filepath.Clean(v.Container) == "/etc/resolv.conf" {
			return s, nil
		}
	}
	spec.Volumes = append(spec.Volumes, Volume{Host: conf, Container: "/etc/resolv.conf", ReadOnly: true})
	return s, nil
}

func (s *slirp) api() string { return filepath.Join(s.dir, "api.sock") }

// slirpArgs is slirp4netns's command line for the container's init pid;
// the ready and exit pipes are descriptors 3 and 4.
func slirpArgs(pid int, hostLoopback bool, api string) []string {
	a := []string{"--configure", "--mtu=65520", "--ready-fd=3", "--exit-fd=4",
		"--enable-sandbox", "--enable-seccomp"}
	if !hostLoopback {
		a = append(a, "--disable-host-loopback")
	}
	if api != "" {
		a = append(a, "--api-socket", api)
	}
	return append(a, strconv.Itoa(pid), "tap0")
}

// start runs slirp4netns for the container whose init is pid; wait
// reports when tap0 is up. It overlaps with the init's own set-up.
func (s *slirp) start(spec *Spec, pid int) error {
	readyR, readyW, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("slirp: %w", err)
	}
	exitR, exitW, err := os.Pipe()
	if err != nil {
		readyR.Close()
		readyW.Close()
		return fmt.Errorf("slirp: %w", err)
	}
	api := ""
	if len(spec.Publish) > 0 {
		api = s.api()
	}
	cmd := exec.Command("slirp4netns", slirpArgs(pid, spec.HostLoopback, api)...)
	cmd.ExtraFiles = []*os.File{readyW, exitR}
	cmd.Stderr = &s.log
	// Dies with the runtime; the exit pipe closing does the same.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
	err = cmd.Start()
	readyW.Close()
	exitR.Close()
	if err != nil {
		readyR.Close()
		exitW.Close()
		return fmt.Errorf("start slirp4netns: %w", err)
	}
	s.cmd, s.exitW = cmd, exitW
	s.ready = make(chan error, 1)
	go func() {
		defer readyR.Close()
		b := make([]byte, 1)
		if n, _ := readyR.Read(b); n == 1 && b[0] == '1' {
			s.ready <- nil
			return
		}
		s.ready <- fmt.Errorf("slirp4netns ended before tap0 was up: %s", s.log.last())
	}()
	return nil
}

// wait waits until tap0 is configured, then publishes the ports. It runs
// before the command starts, so its first connection finds the network.
func (s *slirp) wait(spec *Spec) error {
	select {
	case err := <-s.ready:
		if err != nil {
			return fmt.Errorf("--net slirp: %w", err)
		}
	case <-time.After(slirpReady):
		return fmt.Errorf("--net slirp: slirp4netns not ready after %s", slirpReady)
	}
	for _, p := range spec.Publish {
		if err := s.publish(p); err != nil {
			return fmt.Errorf("--publish %s: %w", p, err)
		}
	}
	return nil
}

// publish asks slirp4netns to forward a host port through its JSON API:
// one request per connection, the answer ends with the connection. (Raw
// sockets, not package net: that would link the runtime against libc.)
func (s *slirp) publish(p Port) error {
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	c := os.NewFile(uintptr(fd), "slirp-api")
	defer c.Close()
	if err := unix.Connect(fd, &unix.SockaddrUnix{Name: s.api()}); err != nil {
		return fmt.Errorf("slirp4netns API %s: %w", s.api(), err)
	}
	tv := unix.Timeval{Sec: 10}
	unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv)
	unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_SNDTIMEO, &tv)
	hostIP := p.HostIP
	if hostIP == "" {
		hostIP = "0.0.0.0"
	}
	req := map[string]any{"execute": "add_hostfwd", "arguments": map[string]any{
		"proto": p.Proto, "host_addr": hostIP, "host_port": p.HostPort, "guest_port": p.ContainerPort}}
	if err := json.NewEncoder(c).Encode(req); err != nil {
		return err
	}
	unix.Shutdown(fd, unix.SHUT_WR)
	answer, err := io.ReadAll(io.LimitReader(c, 1<<16))
	if err != nil {
		return fmt.Errorf("slirp4netns API: %w", err)
	}
	var resp struct {
		Error *struct {
			Desc string `json:"desc"`
		} `json:"error"`
	}
	if err := json.Unmarshal(answer, &resp); err != nil {
		return fmt.Errorf("slirp4netns API answer %q: %w", answer, err)
	}
	if resp.Error != nil {
		return errors.New(resp.Error.Desc)
	}
	return nil
}

// stop ends slirp4netns and removes the private directory.
func (s *slirp) stop() error {
	var errs error
	if s.cmd != nil {
		s.exitW.Close()
		done := make(chan struct{})
		go func() { s.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			s.cmd.Process.Kill()
			<-done
		}
	}
	if err := s.remove(); err != nil {
		errs = multierror.Append(errs, err)
	}
	return errs
}

func (s *slirp) remove() error { return os.RemoveAll(s.dir) }
