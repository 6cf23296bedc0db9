package vm

import (
	"context"
	"os/exec"
	"reflect"
	"testing"
)

func TestParseLdd(t *testing.T) {
	out := `	linux-vdso.so.1 (0x00007f11e4254000)
	libsmartcols.so.1 => /lib/x86_64-linux-gnu/libsmartcols.so.1 (0x00007f11e41e9000)
	libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f11e4007000)
	/lib64/ld-linux-x86-64.so.2 (0x00007f11e4256000)
`
	got, err := parseLdd(out)
	want := []string{"/lib/x86_64-linux-gnu/libsmartcols.so.1", "/lib/x86_64-linux-gnu/libc.so.6", "/lib64/ld-linux-x86-64.so.2"}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("parseLdd = %q, %v; want %q", got, err, want)
	}
	if _, err := parseLdd("\tlibfoo.so.1 => not found\n"); err == nil {
		t.Error("a missing library was accepted")
	}
}

// A host tool brings its loader; a static one comes alone.
func TestHostTool(t *testing.T) {
	if _, err := exec.LookPath("ldd"); err != nil {
		t.Skip("no ldd")
	}
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	files, err := HostTool(context.Background(), sh, "/bin/sh")
	if err != nil {
		t.Fatal(err)
	}
	if files[0].Path != "/bin/sh" || files[0].Host != sh || len(files) < 2 {
		t.Errorf("files %+v", files)
	}
	if files, err := HostTool(context.Background(), HostBusybox, "/bin/busybox"); err == nil && len(files) != 1 {
		t.Errorf("static busybox came with %d files", len(files))
	}
}
