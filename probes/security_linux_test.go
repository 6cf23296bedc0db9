package probes

import (
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// secStartSleeper starts "sleep 60" (in fresh namespaces when cloneflags is
// set) and kills it when the test ends.
func secStartSleeper(t *testing.T, cloneflags uintptr) *os.Process {
	t.Helper()
	cmd := exec.Command("sleep", "60")
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: cloneflags}
	if err := cmd.Start(); err != nil {
		t.Skipf("start sleep (cloneflags %#x): %v", cloneflags, err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd.Process
}

// secListenAbstract listens on a fresh abstract socket until the test ends.
func secListenAbstract(t *testing.T) string {
	t.Helper()
	name := fmt.Sprintf("lc-sec-test-%d", os.Getpid())
	l, err := net.Listen("unix", "@"+name)
	if err != nil {
		t.Fatalf("listen @%s: %v", name, err)
	}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	t.Cleanup(func() { l.Close() })
	return name
}

// secPlantKey adds a "user" key to this uid's user keyring and invalidates
// it when the test ends. "" when keys are unavailable.
func secPlantKey(t *testing.T) string {
	t.Helper()
	desc := fmt.Sprintf("lc-sec-test-%d", os.Getpid())
	id, err := unix.AddKey("user", desc, []byte("canary"), unix.KEY_SPEC_USER_KEYRING)
	if err != nil {
		t.Logf("add_key: %v (keyring-host-key not checked)", err)
		return ""
	}
	t.Cleanup(func() {
		if _, err := unix.KeyctlInt(unix.KEYCTL_INVALIDATE, id, 0, 0, 0); err != nil {
			t.Errorf("invalidate key %d: %v", id, err)
		}
	})
	return desc
}

// secSetuidHelper copies the probe into a world-traversable directory as a
// setuid-root file.
func secSetuidHelper(t *testing.T, bin string) string {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{dir, filepath.Dir(dir)} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	helper := filepath.Join(dir, "probe-suid")
	in, err := os.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(helper, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	if err := unix.Chmod(helper, 0o4755); err != nil { // os.Chmod wants os.ModeSetuid
		t.Fatal(err)
	}
	return helper
}

// secAssertNoMountsUnder fails if anything is still mounted below dir or
// dir holds entries.
func secAssertNoMountsUnder(t *testing.T, dir string) {
	t.Helper()
	b, err := ReadFileRaw("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	mounts, _ := ParseMountInfo(string(b))
	for _, m := range mounts {
		if strings.HasPrefix(m.MountPoint, dir) {
			t.Errorf("left mounted: %s (%s)", m.MountPoint, m.FSType)
			if err := unix.Unmount(m.MountPoint, unix.MNT_DETACH); err != nil {
				t.Errorf("umount %s: %v", m.MountPoint, err)
			}
		}
	}
	names, err := ListDirRaw(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(names) > 0 {
		t.Errorf("left in %s: %v", dir, names)
	}
}

// TestSecurityOnHostSucceeds is the security probe's negative control: run
// as root on the host, without any container, the techniques a container
// must be denied work. Attempts that this host's own confinement can stop
// (devices cgroup, missing /proc/kcore, no module support) are logged
// rather than asserted.
func TestSecurityOnHostSucceeds(t *testing.T) {
	reexecRequireRoot(t)
	bin := reexecBuildProbe(t)
	fp := escapeHostFP(t)
	handle, err := HostHandle(fp.CanaryPath)
	if err != nil {
		t.Skipf("no file handles here: %v", err)
	}
	fp.SentinelPID = secStartSleeper(t, 0).Pid
	fp.AbstractSocket = secListenAbstract(t)
	keyDesc := secPlantKey(t)
	helper := secSetuidHelper(t, bin)

	// Two namespace descriptors of another process, leaked into the probe.
	other := secStartSleeper(t, unix.CLONE_NEWNET|unix.CLONE_NEWNS)
	var leaked []*os.File
	for _, ns := range []string{"net", "mnt"} {
		f, err := os.Open(fmt.Sprintf("/proc/%d/ns/%s", other.Pid, ns))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		leaked = append(leaked, f)
	}

	dir := t.TempDir()
	args := []string{"security", "--fp", fp.Encode(), "-dir", dir, "-handle", handle}
	if keyDesc != "" {
		args = append(args, "-key-desc", keyDesc)
	}
	var init1 unix.Stat_t
	init1Err := unix.Stat("/proc/1/exe", &init1)
	if init1Err == nil {
		args = append(args, "-runtime-ino", devIno(&init1))
	}
	args = append(args, "-setuid-helper", helper)
	cmd := exec.Command(bin, args...)
	cmd.ExtraFiles = leaked
	start := time.Now()
	rep := reexecRunProbe(t, cmd)
	t.Logf("security probe took %v", time.Since(start))
	secAssertNoMountsUnder(t, dir)

	must := []string{
		"mknod-blockdev", "mount-tmpfs", "mount-proc", "mount-cgroup", "open-by-handle",
		"open-core-pattern-w", "unshare-userns", "kill-sentinel", "pidfd-open-sentinel",
		"abstract-socket", "read-timer-list", "read-proc-keys", "setns-inherited-fd", "setuid-gain",
	}
	if keyDesc != "" {
		must = append(must, "keyring-host-key")
	}
	if init1Err == nil {
		must = append(must, "proc1-exe")
	} else {
		t.Logf("proc1-exe not checked: stat /proc/1/exe: %v", init1Err)
	}
	if kr, _ := ReadTrimmed("/proc/sys/kernel/kptr_restrict"); kr != "2" {
		must = append(must, "kallsyms-addresses")
	}
	if _, err := os.Stat("/proc/kcore"); err == nil {
		must = append(must, "read-kcore")
	} else {
		t.Logf("read-kcore not checked: %v", err)
	}
	for _, c := range secBadCalls {
		must = append(must, "syscall-"+c.name) // no seccomp filter here: every call reaches the kernel
	}
	for _, name := range must {
		if a := reexecAttempt(t, rep, name); a.Outcome != Succeeded {
			t.Errorf("%s on the host: %s %s %q, want succeeded", name, a.Outcome, a.Errno, a.Detail)
		}
	}
	if a := reexecAttempt(t, rep, "open-by-handle"); a.Value != "match" {
		t.Errorf("open-by-handle read the canary with digest %q, want match", a.Value)
	}
	if a := reexecAttempt(t, rep, "setns-inherited-fd"); a.Value != "2" {
		t.Errorf("setns-inherited-fd counted %q foreign namespace descriptors, want 2", a.Value)
	}
	if a := reexecAttempt(t, rep, "setuid-gain"); a.Value != "65534/0" {
		t.Errorf("setuid-gain value %q, want 65534/0", a.Value)
	}
	for name, want := range map[string]string{
		"syscall-mount": "EFAULT", "syscall-setns": "EBADF", "syscall-bpf": "EFAULT",
		"syscall-add_key": "EFAULT", "syscall-ptrace": "ESRCH", "syscall-unshare": "EINVAL",
	} {
		if a := reexecAttempt(t, rep, name); a.Value != want || !strings.HasPrefix(a.Detail, VerdictKernel+":") {
			t.Errorf("%s: %s %q, want %s from the kernel", name, a.Value, a.Detail, want)
		}
	}
	// finit_module: EBADF proves the capability check passed; a kernel
	// without module support answers ENOSYS before any check.
	a := reexecAttempt(t, rep, "finit-module")
	switch _, modErr := os.Stat("/proc/modules"); {
	case a.Errno == "EBADF" && a.Outcome == Succeeded:
	case a.Errno == "ENOSYS" && modErr != nil:
		t.Logf("finit-module: ENOSYS, kernel without module support")
	default:
		t.Errorf("finit-module on the host: %+v, want succeeded EBADF", a)
	}
	for _, name := range []string{"read-blockdev", "open-sysrq-trigger-w", "open-release-agent-w", "cgroup-write-own-limit", "cgroup-move-parent", "read-dev-mem", "read-sched-debug", "runtime-sockets"} {
		a := reexecAttempt(t, rep, name)
		t.Logf("%s: %s %s %q (not asserted: this host's own confinement decides)", name, a.Outcome, a.Errno, a.Detail)
	}
}

// TestSecurityWithoutFingerprints: attempts that need a host fingerprint or
// flag are unsupported without it, never passed or failed.
func TestSecurityWithoutFingerprints(t *testing.T) {
	reexecRequireRoot(t)
	bin := reexecBuildProbe(t)
	dir := t.TempDir()
	rep := reexecRunProbe(t, exec.Command(bin, "security", "-dir", dir))
	secAssertNoMountsUnder(t, dir)
	for _, name := range []string{
		"mknod-blockdev", "read-blockdev", "open-by-handle", "kill-sentinel", "pidfd-open-sentinel",
		"abstract-socket", "keyring-host-key", "setuid-gain",
	} {
		if a := reexecAttempt(t, rep, name); a.Outcome != Unsupported {
			t.Errorf("%s without fingerprints: %s, want unsupported", name, a.Outcome)
		}
	}
	seen := map[string]bool{}
	for _, a := range rep.Attempts {
		if seen[a.Name] {
			t.Errorf("attempt %q reported twice", a.Name)
		}
		seen[a.Name] = true
	}
	if want := 28 + len(secBadCalls); len(rep.Attempts) != want { // 28: with seccomp-filters
		t.Errorf("got %d attempts, want %d", len(rep.Attempts), want)
	}
}
