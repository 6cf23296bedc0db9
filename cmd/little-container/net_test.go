package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	goruntime "runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// The network tests run in a network namespace of their own, made on one
// locked thread: every server, every runtime and slirp4netns start from
// it, so the "host" a container reaches is that namespace, never this
// machine's network. It has only lo, which also holds netOutside, an
// address of a documentation range (RFC 5737) that exists nowhere else and
// stands for "somewhere outside" (not the host's loopback 127.0.0.0/8).
const netOutside = "198.51.100.1"

// privateNet runs f on a thread in a new network namespace. f reports
// through the returned error; the thread ends with it.
func privateNet(t *testing.T, f func() error) {
	t.Helper()
	if _, err := exec.LookPath("slirp4netns"); err != nil {
		t.Skip("needs slirp4netns (Debian package slirp4netns)")
	}
	errc := make(chan error, 1)
	work := func() {
		// A t.Skip or t.Fatal in f ends only this goroutine: say so
		// rather than leave the test waiting for ever.
		defer func() {
			select {
			case errc <- errors.New("the work in the private network namespace ended early (t.Skip or t.Fatal off the test's goroutine)"):
			default:
			}
		}()
		goruntime.LockOSThread() // never unlocked: the thread is dropped with its namespace
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			errc <- fmt.Errorf("unshare net: %w", err)
			return
		}
		for _, args := range [][]string{{"link", "set", "lo", "up"}, {"addr", "add", netOutside + "/32", "dev", "lo"}} {
			if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
				errc <- fmt.Errorf("ip %v: %v: %s", args, err, out)
				return
			}
		}
		errc <- f()
	}
	go func() {
		goruntime.LockOSThread()
		if unix.Gettid() != unix.Getpid() {
			work()
			return
		}
		// The main thread: /proc/self/ns/net is its namespace, which
		// other tests take for the host's, and Go never ends it. Hold it
		// so that the work gets another thread.
		defer goruntime.UnlockOSThread()
		done := make(chan struct{})
		go func() { defer close(done); work() }()
		<-done
	}()
	if err := <-errc; err != nil {
		t.Error(err)
	}
}

// greeter listens on addr (in the calling thread's network namespace) and
// writes word to every connection; it stops when the test ends.
func greeter(t *testing.T, addr, word string) (port int, err error) {
	ln, err := net.Listen("tcp4", addr)
	if err != nil {
		return 0, err
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			fmt.Fprintln(c, word)
			c.Close()
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// listeners lists the TCP ports listening in the calling thread's network
// namespace (/proc/thread-self/net: /proc/net is the process's).
func listeners() (map[int]bool, error) {
	out := map[int]bool{}
	for _, f := range []string{"/proc/thread-self/net/tcp", "/proc/thread-self/net/tcp6"} {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		for _, l := range strings.Split(string(b), "\n")[1:] {
			fs := strings.Fields(l)
			if len(fs) > 3 && fs[3] == "0A" { // TCP_LISTEN
				_, hexPort, _ := strings.Cut(fs[1], ":")
				p, _ := strconv.ParseInt(hexPort, 16, 32)
				out[int(p)] = true
			}
		}
	}
	return out, nil
}

// netRun runs the CLI and returns its output; a nonzero exit is an error.
func netRun(ctx context.Context, cmdline ...string) (string, error) {
	cmd := exec.CommandContext(ctx, cmdline[0], cmdline[1:]...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("%v: %v: %s", cmdline, err, out)
	}
	return string(out), nil
}

func TestNetSlirpOutboundButNotHostLoopback(t *testing.T) {
	needRoot(t)
	t.Parallel()
	root := makeRootfs(t)
	ctx := testCtx(t)
	privateNet(t, func() error {
		out, err := greeter(t, netOutside+":0", "outside-ok")
		if err != nil {
			return err
		}
		lo, err := greeter(t, "127.0.0.1:0", "loopback-reached")
		if err != nil {
			return err
		}
		script := fmt.Sprintf("cat /etc/resolv.conf; busybox nc -w 5 %s %d </dev/null; busybox nc -w 5 10.0.2.2 %d </dev/null; echo end", netOutside, out, lo)
		for _, tc := range []struct {
			net      string
			loopback bool
		}{{"slirp", false}, {"slirp:host-loopback", true}} {
			got, err := netRun(ctx, binary, "run", "--rootfs", root, "--net", tc.net, "sh", "-c", script)
			if err != nil {
				return err
			}
			if !strings.Contains(got, "nameserver 10.0.2.3") || !strings.Contains(got, "outside-ok") || !strings.Contains(got, "end") {
				return fmt.Errorf("--net %s: no outbound connection or resolver: %q", tc.net, got)
			}
			if strings.Contains(got, "loopback-reached") != tc.loopback {
				return fmt.Errorf("--net %s: host loopback reached = %v, want %v: %q", tc.net, !tc.loopback, tc.loopback, got)
			}
			if strings.Contains(got, "tapfd") {
				return fmt.Errorf("slirp4netns's chatter reached the container's stderr: %q", got)
			}
		}
		// Control: --net none reaches nothing.
		got, _ := netRun(ctx, binary, "run", "--rootfs", root, "sh", "-c", script)
		if strings.Contains(got, "outside-ok") {
			return fmt.Errorf("--net none reached the outside: %q", got)
		}
		return nil
	})
}

func TestNetSlirpListensOnlyWhenPublished(t *testing.T) {
	needRoot(t)
	t.Parallel()
	root := makeRootfs(t)
	ctx := testCtx(t)
	privateNet(t, func() error {
		before, err := listeners()
		if err != nil {
			return err
		}
		// The container serves port 8080 and holds until its stdin ends.
		script := `(echo served-from-container | busybox nc -l -p 8080 &); ` +
			`until busybox netstat -ltn | grep -q ':8080 '; do sleep 0.05; done; echo listening; read x`
		for _, publish := range []bool{false, true} {
			hostPort := 20000 + os.Getpid()%20000
			args := []string{"run", "--rootfs", root, "--net", "slirp"}
			if publish {
				args = append(args, "--publish", fmt.Sprintf("127.0.0.1:%d:8080", hostPort))
			}
			cmd := exec.CommandContext(ctx, binary, append(args, "sh", "-c", script)...)
			stdin, _ := cmd.StdinPipe()
			stdout, _ := cmd.StdoutPipe()
			cmd.Stderr = os.Stderr
			if err := cmd.Start(); err != nil {
				return err
			}
			line, _ := bufio.NewReader(stdout).ReadString('\n')
			if line != "listening\n" {
				stdin.Close()
				cmd.Wait()
				return fmt.Errorf("container did not start its server: %q", line)
			}
			during, err := listeners()
			var extra []int
			for p := range during {
				if !before[p] {
					extra = append(extra, p)
				}
			}
			var reply string
			if publish {
				if c, derr := net.DialTimeout("tcp4", fmt.Sprintf("127.0.0.1:%d", hostPort), 5*time.Second); derr == nil {
					b, _ := io.ReadAll(c)
					reply = string(b)
					c.Close()
				}
			}
			stdin.Close()
			werr := cmd.Wait()
			switch {
			case err != nil:
				return err
			case !publish && len(extra) != 0:
				return fmt.Errorf("without --publish, the host gained listeners on %v", extra)
			case publish && (len(extra) != 1 || extra[0] != hostPort):
				return fmt.Errorf("--publish %d: new listeners %v, want exactly the published one", hostPort, extra)
			case publish && reply != "served-from-container\n":
				return fmt.Errorf("--publish %d: the host got %q from the published port (runtime: %v)", hostPort, reply, werr)
			}
		}
		return nil
	})
}
