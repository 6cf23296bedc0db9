package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/little-container/little-container/runtime/term"
)

// hostPTY is a pty pair of the host's /dev/pts standing in for a person's
// terminal: the runtime runs as the leader of a session whose controlling
// terminal is the slave, and the test types into and reads the master.
type hostPTY struct {
	master, slave *os.File
	mu            sync.Mutex
	out           bytes.Buffer
}

func openHostPTY(t *testing.T, rows, cols uint16) *hostPTY {
	t.Helper()
	// The devpts instance's own ptmx: /dev/ptmx is only a way to it,
	// and a host's may be broken by someone else's test.
	m, s, err := term.OpenPTY("/dev/pts/ptmx")
	if err != nil {
		t.Skipf("no host pty: %v", err)
	}
	p := &hostPTY{master: os.NewFile(uintptr(m), "ptmx"), slave: os.NewFile(uintptr(s), "pts")}
	p.resize(t, rows, cols)
	t.Cleanup(func() { p.master.Close(); p.slave.Close() })
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := p.master.Read(buf)
			p.mu.Lock()
			p.out.Write(buf[:n])
			p.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	return p
}

func (p *hostPTY) resize(t *testing.T, rows, cols uint16) {
	t.Helper()
	if err := unix.IoctlSetWinsize(int(p.master.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: rows, Col: cols}); err != nil {
		t.Fatal(err)
	}
}

func (p *hostPTY) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

// waitFor waits until the terminal shows want (bounded by the test's
// context, not a sleep).
func (p *hostPTY) waitFor(t *testing.T, ctx context.Context, want string) {
	t.Helper()
	for !strings.Contains(p.output(), want) {
		select {
		case <-ctx.Done():
			t.Fatalf("terminal never showed %q; it shows %q", want, p.output())
		case <-time.After(10 * time.Millisecond):
		}
	}
}

func (p *hostPTY) termios(t *testing.T) *unix.Termios {
	t.Helper()
	tio, err := unix.IoctlGetTermios(int(p.slave.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	return tio
}

// start runs the CLI on the terminal, as a shell would: its own session,
// the slave as controlling terminal and stdio.
func (p *hostPTY) start(t *testing.T, ctx context.Context, env []string, args ...string) chan int {
	t.Helper()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = p.slave, p.slave, p.slave
	cmd.Env = append(os.Environ(), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan int, 1)
	go func() {
		cmd.Wait()
		done <- cmd.ProcessState.ExitCode()
	}()
	return done
}

func (p *hostPTY) wait(t *testing.T, ctx context.Context, done chan int) int {
	t.Helper()
	select {
	case c := <-done:
		return c
	case <-ctx.Done():
		t.Fatalf("the runtime did not end; the terminal shows %q", p.output())
		return -1
	}
}

func statDev(t *testing.T, p string) uint64 {
	t.Helper()
	var st unix.Stat_t
	if err := unix.Stat(p, &st); err != nil {
		t.Fatal(err)
	}
	return st.Dev
}

func TestTTYIsTheContainersOwnPty(t *testing.T) {
	needRoot(t)
	t.Parallel()
	ctx := testCtx(t)
	root := makeRootfs(t)
	term := openHostPTY(t, 33, 77)
	before := term.termios(t)
	// Inside: the device of stdin, stdout and stderr, the devpts instance
	// mounted at /dev/pts, its entries, the window size and TERM.
	script := `for f in 0 1 2; do stat -L -c "fd$f %d %t" /proc/self/fd/$f; done; stat -c "pts %d" /dev/pts; ` +
		`echo "entries $(ls /dev/pts | tr '\n' ' ')"; stty size; echo "TERM=$TERM"; echo ready; read x; echo "read $x"`
	done := term.start(t, ctx, []string{"TERM=lc-test-term"}, "run", "--rootfs", root, "-t", "sh", "-c", script)
	term.waitFor(t, ctx, "ready")
	// While the container runs, the caller's terminal is raw: no echo,
	// no line editing, no signals from Ctrl-C.
	raw := term.termios(t)
	if raw.Lflag&(unix.ICANON|unix.ECHO|unix.ISIG) != 0 {
		t.Errorf("host terminal not raw while the container runs: lflag %#x", raw.Lflag)
	}
	term.master.Write([]byte("hello\r"))
	if c := term.wait(t, ctx, done); c != 0 {
		t.Fatalf("exit %d: %q", c, term.output())
	}
	// The runtime has written everything to the terminal before it
	// exited; this side may not have read it all yet.
	term.waitFor(t, ctx, "read hello")
	out := strings.ReplaceAll(term.output(), "\r", "")
	t.Log(out)
	var pts string
	fds := map[string]string{}
	for _, l := range strings.Split(out, "\n") {
		f := strings.Fields(l)
		switch {
		case len(f) == 3 && strings.HasPrefix(f[0], "fd"):
			fds[f[0]] = f[1]
			if f[2] != "88" { // major 136 in hex: a pty slave
				t.Errorf("%s is device major %s, want 0x88 (a pty slave)", f[0], f[2])
			}
		case len(f) == 2 && f[0] == "pts":
			pts = f[1]
		}
	}
	hostPts := fmt.Sprint(statDev(t, "/dev/pts"))
	for _, fd := range []string{"fd0", "fd1", "fd2"} {
		if fds[fd] == "" || fds[fd] != pts {
			t.Errorf("%s is on device %q, want the container's devpts %q", fd, fds[fd], pts)
		}
		if fds[fd] == hostPts {
			t.Errorf("%s is a pty of the host's devpts (%s)", fd, hostPts)
		}
	}
	for _, want := range []string{"entries 0 ptmx \n", "33 77\n", "TERM=lc-test-term\n", "read hello\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	after := term.termios(t)
	if *after != *before {
		t.Errorf("host terminal not restored: before %+v, after %+v", before, after)
	}
}

func TestWithoutTTYStdioIsUntouched(t *testing.T) {
	// The control of the test above: without --tty the container's stdin
	// is the caller's own terminal (the suites rely on stdio passing
	// through), and the terminal's mode is left alone.
	needRoot(t)
	t.Parallel()
	ctx := testCtx(t)
	term := openHostPTY(t, 24, 80)
	before := term.termios(t)
	var st unix.Stat_t
	if err := unix.Fstat(int(term.slave.Fd()), &st); err != nil {
		t.Fatal(err)
	}
	done := term.start(t, ctx, nil, "run", "--rootfs", makeRootfs(t), "stat", "-L", "-c", "id %d:%i", "/proc/self/fd/0")
	if c := term.wait(t, ctx, done); c != 0 {
		t.Fatalf("exit %d: %q", c, term.output())
	}
	// Its stdin must be the caller's terminal (waited for: the output
	// may still be on its way through the pty when the runtime exits).
	term.waitFor(t, ctx, fmt.Sprintf("id %d:%d", st.Dev, st.Ino))
	if after := term.termios(t); *after != *before {
		t.Errorf("terminal mode changed without --tty")
	}
}

func TestTTYWindowSizeFollowsTheTerminal(t *testing.T) {
	needRoot(t)
	t.Parallel()
	ctx := testCtx(t)
	term := openHostPTY(t, 20, 60)
	script := `stty size; echo ready; while [ "$(stty size)" != "44 88" ]; do sleep 0.05; done; echo resized`
	done := term.start(t, ctx, nil, "run", "--rootfs", makeRootfs(t), "-t", "sh", "-c", script)
	term.waitFor(t, ctx, "ready")
	if !strings.Contains(term.output(), "20 60") {
		t.Errorf("first size: %q, want 20 60", term.output())
	}
	term.resize(t, 44, 88) // the kernel sends the runtime SIGWINCH
	term.waitFor(t, ctx, "resized")
	if c := term.wait(t, ctx, done); c != 0 {
		t.Fatalf("exit %d", c)
	}
}

func TestTTYCtrlCEndsSleepWithInit(t *testing.T) {
	needRoot(t)
	t.Parallel()
	for _, tc := range []struct {
		init bool
		want int
	}{{true, 130}, {false, -1}} {
		ctx := testCtx(t)
		term := openHostPTY(t, 24, 80)
		id := fmt.Sprintf("%s-%v", testID(t), tc.init)
		args := []string{"run", "--rootfs", makeRootfs(t), "--id", id, "-t"}
		if tc.init {
			args = append(args, "--init")
		}
		done := term.start(t, ctx, nil, append(args, "sh", "-c", "echo ready; exec sleep 100")...)
		term.waitFor(t, ctx, "ready")
		time.Sleep(100 * time.Millisecond) // the exec of sleep; a late ^C is still a ^C
		term.master.Write([]byte{3})       // Ctrl-C, as typed
		if !tc.init {
			// Control: sleep as PID 1 has no handler, the kernel drops
			// the SIGINT; the runtime is still there to be ended.
			select {
			case c := <-done:
				t.Errorf("without --init, Ctrl-C ended sleep as PID 1 (exit %d)", c)
				continue
			case <-time.After(500 * time.Millisecond):
			}
			// End it as a person would from another shell, so that the
			// runtime removes its cgroup and state itself.
			if r := lc(t, ctx, "kill", id, "KILL"); r.code != 0 {
				t.Errorf("kill %s: exit %d %s", id, r.code, r.stderr)
			}
			if c := term.wait(t, ctx, done); c != 137 {
				t.Errorf("after kill %s KILL: exit %d, want 137", id, c)
			}
			continue
		}
		if c := term.wait(t, ctx, done); c != tc.want {
			t.Errorf("--init -t: Ctrl-C gave exit %d, want %d", c, tc.want)
		}
	}
}

func TestTTYWithPipedInput(t *testing.T) {
	// --tty without a terminal (a script's pipe): input goes through the
	// pty and its end reads as end of file.
	needRoot(t)
	t.Parallel()
	cmd := exec.CommandContext(testCtx(t), binary, "run", "--rootfs", makeRootfs(t), "-t", "sh", "-c", "tty; cat; echo end")
	cmd.Stdin = strings.NewReader("line\n")
	r := runResult(t, cmd)
	out := strings.ReplaceAll(r.stdout, "\r", "")
	if r.code != 0 || !strings.Contains(out, "/dev/pts/0\n") || !strings.Contains(out, "end\n") {
		t.Errorf("exit %d %q %q", r.code, out, r.stderr)
	}
}

func TestInitReapsAndPassesSignals(t *testing.T) {
	needRoot(t)
	t.Parallel()
	root := makeRootfs(t)
	// SIGINT to the runtime ends a sleep that never handles it: 130.
	cmd, pid, done := startContainer(t, "--rootfs", root, "--init", "sleep", "100")
	waitComm(t, pid, "sleep")
	cmd.Process.Signal(unix.SIGINT)
	if c := waitCode(t, done); c != 130 {
		t.Errorf("--init sleep 100, SIGINT: exit %d, want 130", c)
	}
	// Orphans are reaped: no zombie is left while the command still runs.
	r := lc(t, testCtx(t), "run", "--rootfs", root, "--init", "sh", "-c",
		`for i in 1 2 3 4; do (sleep 0.01 &); done; sleep 0.5; echo "pid1 $(cat /proc/1/cmdline | tr '\0' ' ')"; grep -l "^State:.*Z" /proc/[0-9]*/status | wc -l; exit 7`)
	if r.code != 7 {
		t.Fatalf("exit %d, want the command's 7: %s", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "pid1 little-container-init") || strings.TrimSpace(lines[1]) != "0" {
		t.Errorf("want the reaper as PID 1 and no zombie, got %q", r.stdout)
	}
	// The reaper cannot be opened through /proc by the command it runs.
	r = lc(t, testCtx(t), "run", "--rootfs", root, "--init", "sh", "-c", "cat /proc/1/exe >/dev/null && echo opened")
	if strings.Contains(r.stdout, "opened") {
		t.Errorf("the command read the reaper's binary through /proc/1/exe")
	}
	for _, tc := range []struct {
		args []string
		code int
	}{{[]string{"nope"}, 127}, {[]string{"sh", "-c", "kill -TERM $$"}, 143}} {
		if r := lc(t, testCtx(t), append([]string{"run", "--rootfs", root, "--init"}, tc.args...)...); r.code != tc.code {
			t.Errorf("--init %v: exit %d, want %d (%s)", tc.args, r.code, tc.code, r.stderr)
		}
	}
}

// waitComm waits until the container's PID 1 or one of its children is
// the process comm: the command has been exec'd.
func waitComm(t *testing.T, pid int, comm string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		kids, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid))
		for _, p := range append([]string{fmt.Sprint(pid)}, strings.Fields(string(kids))...) {
			if b, _ := os.ReadFile("/proc/" + p + "/comm"); strings.TrimSpace(string(b)) == comm {
				return
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no %s in the container", comm)
}
