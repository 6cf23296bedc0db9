package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/little-container/little-container/vm"
)

var (
	stdoutBuf bytes.Buffer
	stderrBuf bytes.Buffer
)

var defaultEnv = []string{"PATH=/bin:/sbin:/usr/bin:/usr/sbin", "HOME=/root", "TERM=linux"}

// runCommand runs the spec's command in its own process group, output to the
// console and to buffers sent back later, killed as a group at the limit.
func runCommand(spec vm.Spec) (vm.Status, int, string) {
	ctx := context.Background()
	if t := spec.Timeout(); t > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, t)
		defer cancel()
	}
	env := append(append([]string{}, defaultEnv...), spec.Env...)
	// exec.Command resolves argv[0] with this process's PATH, which the
	// kernel does not set for init.
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			os.Setenv("PATH", v)
		}
	}
	cmd := exec.CommandContext(ctx, spec.Argv[0], spec.Argv[1:]...)
	cmd.Env = env
	cmd.Dir = spec.Dir
	if cmd.Dir == "" {
		cmd.Dir = "/"
	}
	cmd.Stdin = nil
	cmd.Stdout = io.MultiWriter(os.Stdout, &stdoutBuf)
	cmd.Stderr = io.MultiWriter(os.Stderr, &stderrBuf)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return unix.Kill(-cmd.Process.Pid, unix.SIGKILL) }
	cmd.WaitDelay = 2 * time.Second
	logf("running %q", spec.Argv)
	start := time.Now()
	err := cmd.Run()
	elapsed := time.Since(start).Round(time.Millisecond)
	if ctx.Err() != nil {
		return vm.StatusTimeout, -1, fmt.Sprintf("killed after %s (limit %s)", elapsed, spec.Timeout())
	}
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		return vm.StatusPass, 0, fmt.Sprintf("exit 0 after %s", elapsed)
	case errors.As(err, &exitErr):
		ws := exitErr.Sys().(syscall.WaitStatus)
		if ws.Signaled() {
			return vm.StatusFail, 128 + int(ws.Signal()), fmt.Sprintf("killed by %s after %s", ws.Signal(), elapsed)
		}
		return vm.StatusFail, ws.ExitStatus(), fmt.Sprintf("exit %d after %s", ws.ExitStatus(), elapsed)
	default:
		return vm.StatusInitError, -1, fmt.Sprintf("start %s: %v", spec.Argv[0], err)
	}
}
