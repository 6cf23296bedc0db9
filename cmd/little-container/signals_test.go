package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestSignalBeforeTheHandlerIsDelivered(t *testing.T) {
	// A signal that reaches the runtime during set-up, or before PID 1
	// has its handler, used to be passed on at once and dropped by the
	// kernel (a namespace's init gets only the signals it handles): the
	// command ran to its end. Now it waits for the handler. The shell
	// installs its trap only after a second, so the signal always comes
	// first, however slow the machine.
	needRoot(t)
	t.Parallel()
	root := makeRootfs(t)
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP, syscall.SIGQUIT} {
		name := strings.TrimPrefix(sigName(sig), "SIG")
		state := t.TempDir()
		t.Cleanup(func() { lc(t, context.Background(), "gc", "--state-dir", state) }) // a runtime killed on timeout
		cmd := exec.CommandContext(testCtx(t), binary, "run", "--rootfs", root, "--state-dir", state, "--id", testID(t)+name,
			"sh", "-c", "sleep 1; trap 'exit 42' "+name+"; while :; do sleep 0.1; done")
		var errb bytes.Buffer
		cmd.Stderr = &errb
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Signal during set-up, once the runtime's own code runs (before
		// that, the signal would end the runtime itself, as any program).
		waitSetup(t, state, testID(t)+name)
		cmd.Process.Signal(sig)
		err := cmd.Wait()
		code := cmd.ProcessState.ExitCode()
		// busybox sh handles SIGINT itself while it waits for a command
		// and then exits 130: delivered too.
		if code != 42 && !(sig == syscall.SIGINT && code == 130) {
			t.Errorf("%s sent during set-up: exit %d (%v), want the trap's 42: %s", name, code, err, errb.String())
		}
		if strings.Contains(errb.String(), "goroutine") || strings.Contains(errb.String(), "SIGQUIT") {
			t.Errorf("%s: a Go trace reached the user: %s", name, errb.String())
		}
	}
}

// waitSetup waits until the runtime has recorded container id in state:
// it is past its own start and setting the container up.
func waitSetup(t *testing.T, state, id string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(state + "/" + id); err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the runtime never recorded the container")
		}
		time.Sleep(200 * time.Microsecond)
	}
}

func sigName(s syscall.Signal) string {
	return map[syscall.Signal]string{syscall.SIGTERM: "SIGTERM", syscall.SIGINT: "SIGINT", syscall.SIGHUP: "SIGHUP", syscall.SIGQUIT: "SIGQUIT"}[s]
}

func TestSignalWithHostPIDNamespaceIsImmediate(t *testing.T) {
	// Sharing the host's PID namespace, the command is an ordinary
	// process: the default action applies at once.
	needRoot(t)
	t.Parallel()
	cmd, _, done := startContainer(t, "--rootfs", makeRootfs(t), "--share", "pid", "sleep", "30")
	cmd.Process.Signal(syscall.SIGTERM)
	if c := waitCode(t, done); c != 128+15 {
		t.Errorf("--share pid, TERM to sleep: exit %d, want 143", c)
	}
}

func TestQuitAtStartPrintsNoGoTrace(t *testing.T) {
	// SIGQUIT to the runtime at moments spread over the container's
	// set-up and start. Go's default for SIGQUIT is a goroutine dump. (What
	// no Go program can catch is a SIGQUIT while its Go runtime itself
	// starts, before any package's init: under a millisecond.)
	needRoot(t)
	t.Parallel()
	root := makeRootfs(t)
	for delay := 0; delay <= 20; delay += 2 {
		state := t.TempDir()
		t.Cleanup(func() { lc(t, context.Background(), "gc", "--state-dir", state) })
		cmd := exec.CommandContext(testCtx(t), binary, "run", "--rootfs", root, "--state-dir", state, "--id", testID(t), "sleep", "0.2")
		var errb bytes.Buffer
		cmd.Stderr = &errb
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		waitSetup(t, state, testID(t))
		time.Sleep(time.Duration(delay) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGQUIT)
		cmd.Wait()
		if s := errb.String(); strings.Contains(s, "goroutine") || strings.Contains(s, "SIGQUIT") || strings.Contains(s, "PC=") {
			t.Errorf("SIGQUIT %d ms into the start: a Go trace reached the user:\n%s", delay, s)
		}
	}
}
