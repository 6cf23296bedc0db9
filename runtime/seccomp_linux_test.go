package runtime

import (
	"fmt"
	"os"
	"os/exec"
	goruntime "runtime"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

const seccompChildEnv = "_LC_TEST_SECCOMP_CHILD"

// TestMain lets the seccomp test re-run this binary as a child that loads
// the filter: a filter cannot be removed, so the test process must not.
func TestMain(m *testing.M) {
	if os.Getenv(seccompChildEnv) != "" {
		os.Exit(seccompChild(os.Getenv(seccompChildEnv) == "filtered"))
	}
	os.Exit(m.Run())
}

// seccompChild tries calls with bad arguments: through the filter they
// fail with SeccompErrno before the kernel looks at them; without it the
// kernel answers EFAULT/EBADF/EINVAL. It prints "name errno" lines.
func seccompChild(filtered bool) int {
	goruntime.LockOSThread()
	if err := setNoNewPrivs(); err != nil {
		fmt.Println("setup", err)
		return 1
	}
	if filtered {
		if err := installSeccomp(SeccompDefault); err != nil {
			fmt.Println("setup", err)
			return 1
		}
	}
	try := func(name string, trap uintptr, a ...uintptr) {
		args := append(a, 0, 0, 0, 0, 0, 0)
		_, _, e := unix.Syscall6(trap, args[0], args[1], args[2], args[3], args[4], args[5])
		fmt.Println(name, unix.ErrnoName(e))
	}
	try("keyctl", unix.SYS_KEYCTL, 0xdead, 0, 0)
	try("mount", unix.SYS_MOUNT, 1, 1, 1, 0, 0)
	try("bpf", unix.SYS_BPF, 0, 1, 1)
	try("finit_module", unix.SYS_FINIT_MODULE, ^uintptr(0), 0, 0)
	try("unshare-user", unix.SYS_UNSHARE, unix.CLONE_NEWUSER|0x80000000) // invalid high bit: EINVAL when allowed
	try("unshare-uts", unix.SYS_UNSHARE, unix.CLONE_NEWUTS|0x80000000)
	try("clone3", unix.SYS_CLONE3, 0, 0)
	try("getppid", unix.SYS_GETPPID)
	try("kcmp", unix.SYS_KCMP, 0x7fffffff, 0x7fffffff, 0) // ESRCH when allowed
	try("sysfs", unix.SYS_SYSFS, 0xffff)                  // EINVAL when allowed
	// socket is filtered by family: each is tried for real and closed.
	sock := func(name string, family uintptr) {
		fd, _, e := unix.Syscall(unix.SYS_SOCKET, family, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
		if e == 0 {
			unix.Close(int(fd))
		}
		fmt.Println(name, unix.ErrnoName(e))
	}
	sock("socket-vsock", unix.AF_VSOCK)
	sock("socket-vsock-high", 1<<32|unix.AF_VSOCK) // the kernel reads an int: still AF_VSOCK
	sock("socket-unix", unix.AF_UNIX)
	sock("socket-inet", unix.AF_INET)
	return 0
}

func runSeccompChild(t *testing.T, mode string) map[string]string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), seccompChildEnv+"="+mode)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	got := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if f := strings.Fields(l); len(f) == 2 {
			got[f[0]] = f[1]
		} else if len(f) == 1 {
			got[f[0]] = "" // errno 0: ErrnoName is empty
		}
	}
	return got
}

func TestSeccompDefaultFilter(t *testing.T) {
	if auditArch == 0 {
		t.Skip("no default filter on this architecture")
	}
	on := runSeccompChild(t, "filtered")
	off := runSeccompChild(t, "control")
	deny := unix.ErrnoName(SeccompErrno)
	for _, name := range []string{"keyctl", "mount", "bpf", "finit_module", "unshare-user", "kcmp", "sysfs", "socket-vsock", "socket-vsock-high"} {
		if on[name] != deny {
			t.Errorf("%s with filter: %q, want %s", name, on[name], deny)
		}
		// The control: without the filter the same bad call reaches the
		// kernel and fails some other way (or EPERM from a capability
		// check the kernel does first, which the filter must still beat).
		if off[name] == deny && name != "finit_module" {
			t.Errorf("%s without filter: %q: the probe cannot tell the filter from the kernel", name, off[name])
		}
	}
	if on["unshare-uts"] == deny {
		t.Errorf("unshare(CLONE_NEWUTS) was filtered: only user/mount/cgroup namespaces should be")
	}
	if on["clone3"] != "ENOSYS" {
		t.Errorf("clone3 with filter: %q, want ENOSYS", on["clone3"])
	}
	if on["getppid"] != "" {
		t.Errorf("getppid with filter: %q, want success", on["getppid"])
	}
	// Only AF_VSOCK is filtered: other families still make sockets.
	for _, name := range []string{"socket-unix", "socket-inet"} {
		if on[name] != "" {
			t.Errorf("%s with filter: %q, want a socket", name, on[name])
		}
	}
}

func TestBuildFilterEndsInAllow(t *testing.T) {
	p := buildFilter(0xc000003e)
	if len(p) > 4096 {
		t.Fatalf("filter has %d instructions, over BPF_MAXINSNS", len(p))
	}
	last := p[len(p)-1]
	if last.Code != unix.BPF_RET|unix.BPF_K || last.K != unix.SECCOMP_RET_ALLOW {
		t.Fatalf("last instruction %+v, want ret ALLOW", last)
	}
	if p[1].K != 0xc000003e {
		t.Fatalf("arch check compares %#x", p[1].K)
	}
}
