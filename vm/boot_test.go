package vm

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Each real boot gets a generous limit: software emulation on a shared
// two-core machine is slow and uneven.
const bootTimeout = 60 * time.Second

var (
	initOnce sync.Once
	initBin  string
	initErr  error
	initDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if initDir != "" {
		_ = os.RemoveAll(initDir)
	}
	os.Exit(code)
}

// bootEnv returns the kernel and a built /init, or skips with the reason.
func bootEnv(t *testing.T) (kernel, init string) {
	t.Helper()
	if testing.Short() {
		t.Skip("real qemu boots are skipped with -short")
	}
	if _, err := exec.LookPath("qemu-system-x86_64"); err != nil {
		t.Skip("qemu-system-x86_64 not installed (Debian: qemu-system-x86)")
	}
	if _, err := os.Stat(HostBusybox); err != nil {
		t.Skip("no static busybox at /bin/busybox (Debian: busybox-static)")
	}
	k, err := DefaultKernel()
	if err != nil {
		t.Skipf("%v", err)
	}
	kernel = k.Image
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go tool not in PATH; cannot build cmd/vminit")
	}
	initOnce.Do(func() {
		initDir, initErr = os.MkdirTemp("", "vm-test-init-")
		if initErr == nil {
			initBin = filepath.Join(initDir, "vminit")
			initErr = BuildInit(context.Background(), initBin)
		}
	})
	if initErr != nil {
		t.Fatal(initErr)
	}
	return kernel, initBin
}

// boot runs argv in a guest with the given cgroup layout. The console is
// logged only when the test fails.
func boot(t *testing.T, mode CgroupMode, guestTimeout time.Duration, argv ...string) Result {
	t.Helper()
	kernel, init := bootEnv(t)
	ctx, cancel := context.WithTimeout(context.Background(), bootTimeout+10*time.Second)
	defer cancel()
	initrd := filepath.Join(t.TempDir(), "initramfs.cpio")
	err := Prepare(ctx, initrd, PrepareOptions{
		Init:    init,
		Busybox: HostBusybox,
		Spec:    Spec{Argv: argv, TimeoutMS: guestTimeout.Milliseconds()},
	})
	if err != nil {
		t.Fatal(err)
	}
	var console bytes.Buffer
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("guest console:\n%s", console.String())
		}
	})
	res, err := Run(ctx, Config{
		Kernel:    kernel,
		Initramfs: initrd,
		Cmdline:   Cmdline(mode, true),
		Timeout:   bootTimeout,
		Console:   &console,
		OutDir:    t.TempDir(),
	})
	if err != nil {
		t.Fatalf("boot %s: %v", mode, err)
	}
	t.Logf("boot %s with %s: %s in %s (%s)", mode, res.Accel, res.Status, res.Duration.Round(10*time.Millisecond), res.Detail)
	return res
}

func TestBootV2Controllers(t *testing.T) {
	res := boot(t, CgroupV2, 40*time.Second, "sh", "-c",
		"cat /sys/fs/cgroup/cgroup.controllers; cat /sys/fs/cgroup/cgroup.subtree_control > /reports/subtree_control")
	if !res.Passed || res.Code != 0 {
		t.Fatalf("status %s code %d: %s; stderr %q", res.Status, res.Code, res.Detail, res.Stderr)
	}
	controllers := strings.Fields(string(res.Stdout))
	for _, want := range []string{"pids", "memory", "cpu"} {
		if !contains(controllers, want) {
			t.Errorf("cgroup.controllers %q lacks %s", res.Stdout, want)
		}
	}
	// Every available controller is enabled for children.
	if got := strings.Fields(string(res.Files["subtree_control"])); len(got) != len(controllers) {
		t.Errorf("subtree_control %q, controllers %q", got, controllers)
	}
}

func TestBootFailMapsToFail(t *testing.T) {
	res := boot(t, CgroupV2, 40*time.Second, "sh", "-c", "echo failing >&2; exit 1")
	if res.Passed || res.Status != StatusFail || res.Code != 1 {
		t.Fatalf("got passed=%v status=%s code=%d, want fail with code 1", res.Passed, res.Status, res.Code)
	}
	if _, ok := StatusFromQemuExit(res.QemuExit); !ok {
		t.Errorf("qemu exit %d was not an isa-debug-exit status", res.QemuExit)
	}
	if strings.TrimSpace(string(res.Stderr)) != "failing" {
		t.Errorf("stderr %q", res.Stderr)
	}
}

func TestBootGuestTimeout(t *testing.T) {
	res := boot(t, CgroupV2, 2*time.Second, "sleep", "600")
	if res.Passed || res.Status != StatusTimeout {
		t.Fatalf("got passed=%v status=%s, want timeout", res.Passed, res.Status)
	}
}

// cgroupSuperMagic is CGROUP_SUPER_MAGIC as busybox's stat -f prints it.
const cgroupSuperMagic = "27e0eb"

// cgroup2SuperMagic is CGROUP2_SUPER_MAGIC in the same form.
const cgroup2SuperMagic = "63677270"

func TestBootV1Hierarchies(t *testing.T) {
	res := boot(t, CgroupV1, 40*time.Second, "sh", "-c",
		"for c in pids memory cpu devices freezer; do echo $c $(stat -f -c %t /sys/fs/cgroup/$c/); done; "+
			"test -e /sys/fs/cgroup/memory/memory.limit_in_bytes && echo memory.limit_in_bytes; "+
			"grep -c cgroup2 /proc/mounts || true")
	if !res.Passed {
		t.Fatalf("status %s code %d: %s; stderr %q", res.Status, res.Code, res.Detail, res.Stderr)
	}
	out := string(res.Stdout)
	for _, c := range []string{"pids", "memory", "cpu", "devices", "freezer"} {
		if !strings.Contains(out, c+" "+cgroupSuperMagic+"\n") {
			t.Errorf("/sys/fs/cgroup/%s is not a v1 cgroup hierarchy:\n%s", c, out)
		}
	}
	if !strings.Contains(out, "memory.limit_in_bytes\n") {
		t.Errorf("v1 memory controller has no memory.limit_in_bytes:\n%s", out)
	}
	if !strings.HasSuffix(out, "0\n") {
		t.Errorf("v1 layout mounts cgroup2:\n%s", out)
	}
}

func TestBootHybrid(t *testing.T) {
	res := boot(t, CgroupHybrid, 40*time.Second, "sh", "-c",
		"stat -f -c %t /sys/fs/cgroup/pids/; stat -f -c %t /sys/fs/cgroup/unified/; echo \"$(cat /sys/fs/cgroup/unified/cgroup.controllers)\"")
	if !res.Passed {
		t.Fatalf("status %s code %d: %s; stderr %q", res.Status, res.Code, res.Detail, res.Stderr)
	}
	lines := strings.Split(string(res.Stdout), "\n")
	if len(lines) < 3 || lines[0] != cgroupSuperMagic || lines[1] != cgroup2SuperMagic || lines[2] != "" {
		t.Errorf("hybrid layout: %q (want v1 pids, cgroup2 unified with no controllers)", res.Stdout)
	}
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
