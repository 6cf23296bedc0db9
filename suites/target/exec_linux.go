package target

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/onsi/ginkgo/v2"

	"github.com/little-container/little-container/probes"
)

// StartWait bounds how long a runtime may take to start the probe: no
// process with the probe's identity, no start line from the probe and no
// output at all by then means it never will. Generous, for a loaded
// machine: a runtime that starts the probe at all does so in well under a
// second here.
const StartWait = 10 * time.Second

// ErrNotStarted marks a run whose runtime never started the probe.
var ErrNotStarted = errors.New("the runtime did not start the probe")

// command is one host process a target starts to run a container.
type command struct {
	Path    string
	Args    []string
	Env     []string            // the whole environment; nil: the harness's own
	Cred    *syscall.Credential // run as this user (rootless runs)
	PIDFile string              // where the runtime writes the container pid, if it does
	Dir     string              // working directory (the run's own: conmon leaves an "oom" file there)
	ID      Identity
	// Sandboxed says why the container's processes are not host processes.
	Sandboxed string
	// cleanup is the profile's, run once the runtime exited.
	cleanup func() error
}

// inherit opens o.InheritDir to hand to the runtime as descriptor 3.
func inherit(o RunOpts) (*os.File, error) {
	if o.InheritDir == "" {
		return nil, nil
	}
	f, err := os.Open(o.InheritDir)
	if err != nil {
		return nil, fmt.Errorf("inherit %s: %w", o.InheritDir, err)
	}
	return f, nil
}

// execute starts c, feeds the hold/inspect protocol and collects the result.
// Stdout is kept whole and decoded as the probe report; stderr is kept
// (without the probe's own start and hold lines) and streamed to o.Log.
// The runtime is put in its own process group, which is killed when ctx
// ends or the runtime does not start the probe within StartWait, together
// with every process carrying the probe's identity, wherever the runtime
// reparented it.
func execute(ctx context.Context, c command, o RunOpts) (*Result, error) {
	res := &Result{Argv: append([]string{c.Path}, c.Args...)}
	logw := o.Log
	if logw == nil {
		logw = ginkgo.GinkgoWriter
	}
	var stdout lockedBuffer
	errw := newStderrWatch(logw, c.ID.Nonce)
	cmd := exec.Command(c.Path, c.Args...)
	cmd.Env = c.Env
	cmd.Dir = c.Dir
	cmd.Stdout = &stdout
	cmd.Stderr = errw
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL, Credential: c.Cred}
	var stdin io.WriteCloser
	if o.Inspect != nil {
		var err error
		if stdin, err = cmd.StdinPipe(); err != nil {
			return res, fmt.Errorf("stdin pipe: %w", err)
		}
	} else {
		cmd.Stdin = o.Stdin
		if cmd.Stdin == nil {
			// A pipe at EOF, never the host's /dev/null: a runtime that
			// chowns its stdio for the container (runsc does) would
			// change the host's node.
			cmd.Stdin = strings.NewReader("")
		}
	}
	leak, err := inherit(o)
	if err != nil {
		return res, err
	}
	if leak != nil {
		defer leak.Close()
		cmd.ExtraFiles = []*os.File{leak}
	}
	fmt.Fprintf(logw, "target: %q\n", res.Argv)
	if err := cmd.Start(); err != nil {
		return res, fmt.Errorf("start %s: %w", c.Path, err)
	}
	pid := cmd.Process.Pid
	done := make(chan struct{})
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(done) }()

	var killOnce sync.Once
	kill := func() {
		killOnce.Do(func() {
			_ = syscall.Kill(-pid, syscall.SIGKILL)
			KillIdentity(c.ID)
		})
	}
	var notStarted bool
	var mu sync.Mutex
	go func() {
		t := time.NewTimer(StartWait)
		defer t.Stop()
		select {
		case <-ctx.Done():
			kill()
			return
		case <-done:
			return
		case <-t.C:
		}
		if !errw.Started() && stdout.Len() == 0 && (c.Sandboxed != "" || FindByIdentity(c.ID) == 0) {
			mu.Lock()
			notStarted = true
			mu.Unlock()
			kill()
			return
		}
		select {
		case <-ctx.Done():
			kill()
		case <-done:
		}
	}()
	if o.OnStart != nil {
		o.OnStart(pid)
	}

	var inspectErr error
	live := &Live{RuntimePID: pid, pidFile: c.PIDFile, id: c.ID, sandboxed: c.Sandboxed, done: done, stderr: errw, stdin: stdin}
	if o.Inspect != nil {
		inspectErr = o.Inspect(ctx, live)
		if hp := live.HostPID(); hp > 0 {
			res.ContainerPID = hp
			if cg, err := ProcCgroups(hp); err == nil {
				res.CgroupDirs = cg
			}
		}
		if err := stdin.Close(); err != nil && !errors.Is(err, os.ErrClosed) {
			inspectErr = errors.Join(inspectErr, fmt.Errorf("close stdin: %w", err))
		}
	}
	<-done
	if o.AfterExit != nil {
		inspectErr = errors.Join(inspectErr, o.AfterExit(ctx))
	}
	if c.cleanup != nil {
		inspectErr = errors.Join(inspectErr, c.cleanup())
		if o.AfterCleanup != nil {
			inspectErr = errors.Join(inspectErr, o.AfterCleanup(ctx))
		}
	}
	// Whatever the runtime left of the probe after it exited (a container
	// it did not reap, a conmon that outlived it) goes now.
	KillIdentity(c.ID)
	res.Found = live.Found()
	res.Stdout, res.Stderr, res.Started = stdout.Bytes(), errw.Kept(), errw.Started()
	res.ExitCode = exitCode(cmd.ProcessState, waitErr)
	res.Report, res.DecodeErr = decode(res.Stdout)
	mu.Lock()
	ns := notStarted
	mu.Unlock()
	if ns {
		return res, fmt.Errorf("%w within %s (no process with its nonce, no output)%s", ErrNotStarted, StartWait, stderrTail(res.Stderr))
	}
	if ctx.Err() != nil {
		return res, errors.Join(fmt.Errorf("run %s: %w", filepath.Base(c.Path), ctx.Err()), inspectErr)
	}
	if inspectErr != nil {
		return res, fmt.Errorf("inspect: %w", inspectErr)
	}
	return res, nil
}

// stderrTail is ": <last stderr lines>" for a message, or "".
func stderrTail(b []byte) string {
	s := strings.TrimSpace(string(b))
	if s == "" {
		return "; the runtime printed nothing on stderr"
	}
	if len(s) > 300 {
		s = "…" + s[len(s)-300:]
	}
	return "; runtime stderr: " + strings.Join(strings.Fields(s), " ")
}

// exitCode follows the shell convention: 128+N for death by signal N.
func exitCode(ps *os.ProcessState, err error) int {
	if ps == nil {
		return -1
	}
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ps.ExitCode()
}

// decode finds the probe report: the whole stdout, or failing that its last
// line that decodes (a runtime may print its own lines first).
func decode(out []byte) (*probes.Report, error) {
	rep, err := probes.Decode(bytes.TrimSpace(out))
	if err == nil {
		return rep, nil
	}
	lines := bytes.Split(bytes.TrimSpace(out), []byte("\n"))
	for i := len(lines) - 1; i >= 0; i-- {
		if r, lerr := probes.Decode(lines[i]); lerr == nil {
			return r, nil
		}
	}
	return rep, err
}

// lockedBuffer is a bytes.Buffer safe to read while the runtime writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Len()
}

func (l *lockedBuffer) Bytes() []byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	return bytes.Clone(l.b.Bytes())
}

// stderrWatch keeps the runtime's stderr, streams it to the log, and
// notices the probe's start and hold lines for this run's nonce (which it
// keeps out of the evidence).
type stderrWatch struct {
	mu            sync.Mutex
	log           io.Writer
	nonce         string
	partial, kept []byte
	started       bool
	holds         int // hold lines seen
}

func newStderrWatch(log io.Writer, nonce string) *stderrWatch {
	return &stderrWatch{log: log, nonce: nonce}
}

func (w *stderrWatch) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	_, _ = w.log.Write(p)
	w.partial = append(w.partial, p...)
	for {
		i := bytes.IndexByte(w.partial, '\n')
		if i < 0 {
			break
		}
		w.line(string(w.partial[:i]))
		w.partial = w.partial[i+1:]
	}
	return len(p), nil
}

func (w *stderrWatch) line(l string) {
	if w.nonce != "" {
		switch strings.TrimSpace(l) {
		case strings.TrimSpace(probes.StartLine) + " " + w.nonce:
			w.started = true
			return
		case strings.TrimSpace(probes.HoldLine) + " " + w.nonce:
			w.holds++
			return
		}
	}
	w.kept = append(append(w.kept, l...), '\n')
}

// Started says the probe announced its start.
func (w *stderrWatch) Started() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.started
}

// Holds counts the probe's hold announcements: one per wait on stdin
// (a go-ahead awaited, then the hold).
func (w *stderrWatch) Holds() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.holds
}

// Kept is stderr without the probe's announcements.
func (w *stderrWatch) Kept() []byte {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append(bytes.Clone(w.kept), w.partial...)
}
