package probes_test

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// buildProbe builds ./cmd/probe the way the suites do (CGO_ENABLED=0) into a
// temp dir removed after the test, and returns the binary's path.
func buildProbe(t *testing.T) string {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("the probe binary is Linux-only")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go tool to build the probe: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "probe")
	cmd := exec.Command(goTool, "build", "-o", bin, "./cmd/probe")
	cmd.Dir = ".." // module root; tests run in probes/
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/probe: %v\n%s", err, out)
	}
	return bin
}

// TestProbeBinaryIsStatic guards the promise that the probe runs in an empty
// rootfs: no program interpreter, no dynamic section, no shared libraries.
func TestProbeBinaryIsStatic(t *testing.T) {
	bin := buildProbe(t)
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatalf("open %s: %v", bin, err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		switch p.Type {
		case elf.PT_INTERP:
			t.Errorf("%s has a PT_INTERP program header: needs a dynamic loader", bin)
		case elf.PT_DYNAMIC:
			t.Errorf("%s has a PT_DYNAMIC program header", bin)
		}
	}
	if s := f.Section(".dynamic"); s != nil {
		t.Errorf("%s has a .dynamic section", bin)
	}
	if s := f.Section(".interp"); s != nil {
		t.Errorf("%s has a .interp section", bin)
	}
	if libs, err := f.ImportedLibraries(); err == nil && len(libs) > 0 {
		t.Errorf("%s imports shared libraries %v", bin, libs)
	}
}
