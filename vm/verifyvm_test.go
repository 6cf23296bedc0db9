package vm

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// An Ubuntu-like host: apt reaches no Debian kernel package, and the kernel
// to boot is an image given by path with its config beside it and its
// modules under ../lib/modules, the layout of /boot and /lib/modules. The
// image is Debian's, unpacked by make deps, standing in for the host's own.
type ubuntuLikeHost struct {
	root, image, release, aptConfig string
}

func newUbuntuLikeHost(t *testing.T) ubuntuLikeHost {
	t.Helper()
	if testing.Short() {
		t.Skip("runs make verify-vm; skipped with -short")
	}
	for _, tool := range []string{"make", "qemu-system-x86_64", "go", "losetup"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed", tool)
		}
	}
	root, err := ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	images, _ := filepath.Glob(filepath.Join(root, "build", "vm", "debian-*", "pkg", "boot", "vmlinuz-*"))
	if len(images) == 0 {
		t.Skip("no unpacked Debian kernel under build/vm (run make deps)")
	}
	src := images[0]
	pkg := filepath.Dir(filepath.Dir(src))
	rel := strings.TrimPrefix(filepath.Base(src), "vmlinuz-")
	loop, _ := filepath.Glob(filepath.Join(pkg, "lib", "modules", rel, "kernel", "drivers", "block", "loop.ko*"))
	if len(loop) == 0 {
		t.Skipf("no loop module in %s", pkg)
	}

	h := ubuntuLikeHost{root: t.TempDir(), release: rel}
	h.image = filepath.Join(h.root, "boot", "vmlinuz-"+rel)
	copyTo(t, src, h.image)
	copyTo(t, filepath.Join(pkg, "boot", "config-"+rel), filepath.Join(h.root, "boot", "config-"+rel))
	copyTo(t, loop[0], filepath.Join(h.root, "lib", "modules", rel, "kernel", "drivers", "block", filepath.Base(loop[0])))

	// apt with no sources, no lists and nothing installed: no package.
	apt := filepath.Join(h.root, "apt")
	for _, d := range []string{"lists/partial", "parts", "cache/archives/partial"} {
		if err := os.MkdirAll(filepath.Join(apt, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(apt, "status"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	h.aptConfig = filepath.Join(apt, "apt.conf")
	conf := strings.ReplaceAll(`Dir::State::Lists "@/lists";
Dir::State::status "@/status";
Dir::Etc::SourceList "/dev/null";
Dir::Etc::SourceParts "@/parts";
Dir::Cache "@/cache";
`, "@", apt)
	if err := os.WriteFile(h.aptConfig, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	return h
}

func copyTo(t *testing.T, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err == nil {
		err = os.MkdirAll(filepath.Dir(dst), 0o755)
	}
	if err == nil {
		err = os.WriteFile(dst, b, 0o644)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// run runs a command in the module root with the host's apt hidden.
func (h ubuntuLikeHost) run(t *testing.T, env []string, name string, args ...string) (string, error) {
	t.Helper()
	root, err := ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(name, args...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), append([]string{"APT_CONFIG=" + h.aptConfig}, env...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	return out.String(), err
}

// With no Debian package and no /boot kernel, the default says so in one
// line and stops: nothing is booted, nothing passes.
func TestVMKernelDefaultWithoutAnyKernel(t *testing.T) {
	h := newUbuntuLikeHost(t)
	uname, err := exec.Command("uname", "-r").Output()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat("/boot/vmlinuz-" + strings.TrimSpace(string(uname))); err == nil {
		t.Skip("this host has its own /boot kernel: the default boots it")
	}
	out, err := h.run(t, []string{"LC_BUILD_DIR=" + filepath.Join(h.root, "build")}, "scripts/vm-kernel", "default")
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 3 {
		t.Fatalf("vm-kernel default: %v, want exit 3; output:\n%s", err, out)
	}
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 1 ||
		!strings.Contains(lines[0], "no kernel for the VM") || !strings.Contains(lines[0], "LC_VM_KERNEL") {
		t.Errorf("want one line naming LC_VM_KERNEL, got:\n%s", out)
	}
}

// make verify-vm boots the kernel image given by path, with the loop
// module from the host's module tree, and the rows that need modules run.
func TestVerifyVMBootsKernelGivenByPath(t *testing.T) {
	h := newUbuntuLikeHost(t)
	build, reports := filepath.Join(h.root, "build"), filepath.Join(h.root, "reports")
	out, err := h.run(t, []string{
		"LC_VM_KERNEL=" + h.image,
		"LC_VM_KERNELS=", "LC_VM_CGROUPS=", "LC_VM_CGROUP=v2",
		"LC_VM_SUITES=security",
		"LC_VM_GINKGO_FLAGS=-ginkgo.focus=devices|kernel-modules",
	}, "make", "--no-print-directory", "verify-vm", "BUILD="+build, "REPORTS="+reports)
	if err != nil {
		t.Fatalf("make verify-vm: %v\n%s", err, out)
	}
	series := regexp.MustCompile(`^\d+\.\d+`).FindString(h.release)
	for _, want := range []string{
		"vm-kernel: kernel image " + h.image,
		"modules for the guest: loop (from " + filepath.Join(h.root, "lib", "modules", h.release) + ")",
		"vminit: kernel " + h.release,
		"vminit: module loop.ko loaded",
		"verify-vm: " + series + "/v2 booted kernel " + h.release + ": ok",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("output:\n%s", out)
	}
	b, err := os.ReadFile(filepath.Join(reports, "vm", "matrix.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Cells []struct {
			Check, Target, Status string
			Control               bool
		}
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	col := "little-container " + series + "/v2"
	ran := map[string]int{}
	for _, c := range m.Cells {
		if c.Target != col {
			t.Errorf("column %q, want %q", c.Target, col)
		}
		good := (!c.Control && c.Status == "pass") || (c.Control && c.Status == "FAIL")
		if !good {
			t.Errorf("%s / %s: %s", c.Check, c.Target, c.Status)
		}
		for _, row := range []string{"devices", "kernel-modules"} {
			if strings.Contains(c.Check, row) {
				ran[row]++
			}
		}
	}
	// Each row: the check and its control.
	if ran["devices"] != 2 || ran["kernel-modules"] != 2 {
		t.Errorf("rows that ran: %v, want devices and kernel-modules with their controls", ran)
	}
}
