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
	"sync"
	"syscall"

	"github.com/onsi/ginkgo/v2"

	"github.com/little-container/little-container/probes"
)

// command is one host process a target starts to run a container.
type command struct {
	Path    string
	Args    []string
	Cred    *syscall.Credential // run as this user (rootless runs)
	PIDFile string              // where the runtime writes the container pid, if it does
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
// Stdout is kept whole and decoded as the probe report; stderr is kept and
// streamed to o.Log. The runtime is put in its own process group, which is
// killed when ctx ends, so a hung container fails the spec fast.
func execute(ctx context.Context, c command, o RunOpts) (*Result, error) {
	res := &Result{Argv: append([]string{c.Path}, c.Args...)}
	logw := o.Log
	if logw == nil {
		logw = ginkgo.GinkgoWriter
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(c.Path, c.Args...)
	cmd.Stdout = &stdout
	cmd.Stderr = io.MultiWriter(&stderr, logw)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL, Credential: c.Cred}
	var stdin io.WriteCloser
	if o.Inspect != nil {
		var err error
		if stdin, err = cmd.StdinPipe(); err != nil {
			return res, fmt.Errorf("stdin pipe: %w", err)
		}
	} else {
		cmd.Stdin = o.Stdin
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
			if cpid := deepestDescendant(pid); cpid > 0 {
				_ = syscall.Kill(cpid, syscall.SIGKILL)
			}
			_ = syscall.Kill(-pid, syscall.SIGKILL)
		})
	}
	go func() {
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
	if o.Inspect != nil {
		live := &Live{RuntimePID: pid, pidFile: c.PIDFile, done: done}
		inspectErr = o.Inspect(ctx, live)
		if cpid := live.ContainerPID(); cpid > 0 {
			res.ContainerPID = cpid
			if cg, err := ProcCgroups(cpid); err == nil {
				res.CgroupDirs = cg
			}
		}
		if err := stdin.Close(); err != nil && !errors.Is(err, os.ErrClosed) {
			inspectErr = errors.Join(inspectErr, fmt.Errorf("close stdin: %w", err))
		}
	}
	<-done
	res.Stdout, res.Stderr = stdout.Bytes(), stderr.Bytes()
	res.ExitCode = exitCode(cmd.ProcessState, waitErr)
	res.Report, res.DecodeErr = decode(res.Stdout)
	if ctx.Err() != nil {
		return res, fmt.Errorf("run %s: %w", filepath.Base(c.Path), ctx.Err())
	}
	if inspectErr != nil {
		return res, fmt.Errorf("inspect: %w", inspectErr)
	}
	return res, nil
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
