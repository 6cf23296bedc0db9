package vm

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestLoadKernel(t *testing.T) {
	dir := t.TempDir()
	if _, err := LoadKernel(dir); !errors.Is(err, ErrNoKernel) {
		t.Fatalf("empty dir: %v", err)
	}
	write := func(name, data string) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("vmlinuz", "z")
	if _, err := LoadKernel(dir); !errors.Is(err, ErrNoKernel) {
		t.Fatalf("no release: %v", err)
	}
	write("release", "6.12.1-amd64\n")
	write("source", "Debian package x 1\n")
	k, err := LoadKernel(dir)
	if err != nil || k.Image != filepath.Join(dir, "vmlinuz") || k.Release != "6.12.1-amd64" || len(k.Modules) != 0 {
		t.Fatalf("got %+v, %v", k, err)
	}
	write("vmlinux", "x")
	write("modules/order", "dep\nloop\n")
	k, err = LoadKernel(dir)
	if err != nil || k.Image != filepath.Join(dir, "vmlinux") {
		t.Fatalf("vmlinux not preferred: %+v, %v", k, err)
	}
	files, guest := k.ModuleFiles()
	if len(files) != 2 || guest[0] != ModuleDir+"/dep.ko" || guest[1] != ModuleDir+"/loop.ko" ||
		files[1].Host != filepath.Join(dir, "modules", "loop.ko") {
		t.Errorf("modules %+v %q", files, guest)
	}
}
