package runtime

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"golang.org/x/sys/unix"
)

func TestRootOnlyMode(t *testing.T) {
	for _, tc := range []struct {
		name string
		mode uint32
		want bool
	}{
		{"slabinfo 0400", unix.S_IFREG | 0o400, true},
		{"owner and group 0440", unix.S_IFREG | 0o440, true},
		{"owner read-write 0600", unix.S_IFREG | 0o600, true},
		{"world-readable 0444", unix.S_IFREG | 0o444, false},
		{"world-readable, owner writes 0644", unix.S_IFREG | 0o644, false},
		{"write-only sysrq-trigger 0200", unix.S_IFREG | 0o200, false},
		{"no bits at all", unix.S_IFREG, false},
		{"directory 0500", unix.S_IFDIR | 0o500, false},
		{"link", unix.S_IFLNK | 0o400, false},
	} {
		if got := rootOnlyMode(tc.mode); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestRootOnlyFilesPicksByMode(t *testing.T) {
	dir := t.TempDir()
	for name, mode := range map[string]os.FileMode{"secret": 0o400, "shared": 0o444, "trigger": 0o200, "group": 0o440} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "1"), 0o500); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("secret", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	got, err := RootOnlyFiles(dir, filepath.Join(dir, "absent"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(dir, "group"), filepath.Join(dir, "secret")}
	if !slices.Equal(got, want) {
		t.Errorf("RootOnlyFiles = %v, want %v (a directory the kernel lacks adds none)", got, want)
	}
	if _, err := RootOnlyFiles(filepath.Join(dir, "link")); err == nil {
		t.Error("a link as the directory was followed")
	}
}

// On the real /proc and sysfs: what the host keeps for root is found, what
// MaskedPaths already covers is not listed twice.
func TestRootOnlyFilesOfThisKernel(t *testing.T) {
	got, err := RootOnlyFiles(RootOnlyDirs...)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range got {
		if slices.Contains(MaskedPaths, p) {
			t.Errorf("%s is in MaskedPaths and listed again", p)
		}
		var st unix.Stat_t
		if err := unix.Lstat(p, &st); err != nil || !rootOnlyMode(st.Mode) {
			t.Errorf("%s: mode %o (%v), not root-only", p, st.Mode, err)
		}
	}
	for _, p := range []string{"/proc/slabinfo", "/sys/devices/virtual/dmi/id/product_serial"} {
		var st unix.Stat_t
		if unix.Lstat(p, &st) == nil && rootOnlyMode(st.Mode) && !slices.Contains(got, p) {
			t.Errorf("%s (mode %o) not found in %v", p, st.Mode, got)
		}
	}
}
