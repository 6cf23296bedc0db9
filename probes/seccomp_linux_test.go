package probes

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The positive control of the syscall-<name> verdicts: the probe runs under
// a real seccomp filter that answers EPERM for a few syscalls, the way
// runc's default profile does, and must call exactly those "seccomp".
//
// The filter is installed by this test binary re-executed as a helper: its
// init sees secFilterEnv, sets no_new_privs, loads the filter on the main
// thread (locked during init) and execs the probe, which inherits it.

const secFilterEnv = "LC_TEST_SECCOMP_EXEC"

// secFiltered are the syscalls the test filter refuses with EPERM.
var secFiltered = map[string]uintptr{
	"mount": unix.SYS_MOUNT, "unshare": unix.SYS_UNSHARE, "bpf": unix.SYS_BPF, "keyctl": unix.SYS_KEYCTL,
}

func init() {
	if argv := os.Getenv(secFilterEnv); argv != "" {
		secExecFiltered(strings.Split(argv, "\x1f"))
	}
}

// secExecFiltered loads the filter and execs argv; it never returns.
func secExecFiltered(argv []string) {
	runtime.LockOSThread()
	var prog []unix.SockFilter
	ld := func(code uint16, k uint32, jt, jf uint8) {
		prog = append(prog, unix.SockFilter{Code: code, Jt: jt, Jf: jf, K: k})
	}
	ld(unix.BPF_LD|unix.BPF_W|unix.BPF_ABS, 0, 0, 0) // seccomp_data.nr
	n := len(secFiltered)
	i := 0
	for _, nr := range secFiltered {
		i++
		ld(unix.BPF_JMP|unix.BPF_JEQ|unix.BPF_K, uint32(nr), uint8(n-i+1), 0)
	}
	ld(unix.BPF_RET|unix.BPF_K, unix.SECCOMP_RET_ALLOW, 0, 0)
	ld(unix.BPF_RET|unix.BPF_K, unix.SECCOMP_RET_ERRNO|uint32(unix.EPERM), 0, 0)
	fprog := unix.SockFprog{Len: uint16(len(prog)), Filter: &prog[0]}
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		fmt.Fprintln(os.Stderr, "no_new_privs:", err)
		os.Exit(99)
	}
	if err := unix.Prctl(unix.PR_SET_SECCOMP, unix.SECCOMP_MODE_FILTER, uintptr(unsafe.Pointer(&fprog)), 0, 0); err != nil {
		fmt.Fprintln(os.Stderr, "seccomp filter:", err)
		os.Exit(99)
	}
	err := syscall.Exec(argv[0], argv, []string{})
	fmt.Fprintln(os.Stderr, "exec:", err)
	os.Exit(99)
}

// secRunFiltered runs the probe with args under the test filter.
func secRunFiltered(t *testing.T, bin string, args ...string) *Report {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self)
	cmd.Env = []string{secFilterEnv + "=" + strings.Join(append([]string{bin}, args...), "\x1f")}
	return reexecRunProbe(t, cmd)
}

func TestSeccompVerdictsUnderFilter(t *testing.T) {
	reexecRequireRoot(t)
	bin := reexecBuildProbe(t)
	dir := t.TempDir()
	rep := secRunFiltered(t, bin, "security", "-dir", dir)
	secAssertNoMountsUnder(t, dir)
	for _, c := range secBadCalls {
		a := reexecAttempt(t, rep, "syscall-"+c.name)
		_, filtered := secFiltered[c.name]
		switch {
		case filtered && (a.Outcome != Failed || a.Errno != "EPERM" || !strings.HasPrefix(a.Detail, VerdictSeccomp+":")):
			t.Errorf("syscall-%s under the filter: %+v, want failed EPERM %q", c.name, a, VerdictSeccomp)
		case !filtered && a.Outcome != Succeeded:
			t.Errorf("syscall-%s is not filtered: %+v, want succeeded (%s)", c.name, a, VerdictKernel)
		}
	}
	// The real attempts behind the filtered syscalls are stopped too.
	for _, name := range []string{"mount-tmpfs", "mount-proc", "mount-cgroup", "unshare-userns"} {
		if a := reexecAttempt(t, rep, name); a.Outcome != Failed || a.Errno != "EPERM" {
			t.Errorf("%s under the filter: %+v, want failed EPERM", name, a)
		}
	}

	caps := secRunFiltered(t, bin, "caps")
	for name, want := range map[string]string{"seccomp-mode": "2", "no-new-privs": "1"} {
		if a := reexecAttempt(t, caps, name); a.Value != want {
			t.Errorf("caps %s = %q under the filter, want %q", name, a.Value, want)
		}
	}
}
