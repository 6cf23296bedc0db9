package vm

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// readNewc is a minimal newc reader, independent of the writer's code paths.
func readNewc(t *testing.T, r io.Reader) map[string]cpioEntry {
	t.Helper()
	data, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]cpioEntry{}
	off := 0
	align := func(n int) int { return (n + 3) &^ 3 }
	field := func(h []byte, i int) uint32 {
		v, err := strconv.ParseUint(string(h[6+8*i:6+8*i+8]), 16, 32)
		if err != nil {
			t.Fatalf("header field %d: %v", i, err)
		}
		return uint32(v)
	}
	for {
		if off+110 > len(data) {
			t.Fatalf("archive ends without trailer at %d", off)
		}
		h := data[off : off+110]
		if string(h[:6]) != "070701" {
			t.Fatalf("bad magic %q at %d", h[:6], off)
		}
		mode, size, rmaj, rmin, nsize := field(h, 1), int(field(h, 6)), field(h, 9), field(h, 10), int(field(h, 11))
		name := string(data[off+110 : off+110+nsize-1])
		off = align(off + 110 + nsize)
		body := data[off : off+size]
		off = align(off + size)
		if name == "TRAILER!!!" {
			return out
		}
		out[name] = cpioEntry{Name: name, Mode: mode, Data: body, Major: rmaj, Minor: rmin}
	}
}

func TestBuildInitramfs(t *testing.T) {
	dir := t.TempDir()
	host := filepath.Join(dir, "probe")
	if err := os.WriteFile(host, []byte("#!/bin/sh\necho probe\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	files := []File{
		{Path: "/bin/probe", Host: host},
		{Path: "/etc/lc/run.json", Data: []byte(`{"argv":["true"]}`)},
		{Path: "/bin/sh", Symlink: "busybox"},
		{Path: "/reports", Dir: true, Mode: 0o777},
		{Path: "/a/b/c/odd", Data: []byte("xyz")}, // 3 bytes: exercises padding
	}
	for _, name := range []string{"initramfs.cpio", "initramfs.cpio.gz"} {
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(dir, name)
			if err := BuildInitramfs(out, files); err != nil {
				t.Fatal(err)
			}
			f, err := os.Open(out)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			var r io.Reader = f
			if strings.HasSuffix(name, ".gz") {
				gz, err := gzip.NewReader(f)
				if err != nil {
					t.Fatal(err)
				}
				r = gz
			}
			got := readNewc(t, r)
			check := func(name string, mode uint32, data string) {
				t.Helper()
				e, ok := got[name]
				if !ok {
					t.Errorf("%s missing", name)
					return
				}
				if e.Mode != mode || string(e.Data) != data {
					t.Errorf("%s: mode %o data %q, want %o %q", name, e.Mode, e.Data, mode, data)
				}
			}
			check("bin/probe", sIFREG|0o755, "#!/bin/sh\necho probe\n")
			check("etc/lc/run.json", sIFREG|0o644, `{"argv":["true"]}`)
			check("bin/sh", sIFLNK|0o777, "busybox")
			check("reports", sIFDIR|0o777, "")
			check("a/b/c/odd", sIFREG|0o644, "xyz")
			for _, d := range []string{"bin", "etc", "etc/lc", "a", "a/b", "a/b/c", "dev"} {
				check(d, sIFDIR|0o755, "")
			}
			if c := got["dev/console"]; c.Mode != sIFCHR|0o600 || c.Major != 5 || c.Minor != 1 {
				t.Errorf("dev/console = %+v", c)
			}
			if n := got["dev/null"]; n.Mode != sIFCHR|0o666 || n.Major != 1 || n.Minor != 3 {
				t.Errorf("dev/null = %+v", n)
			}
		})
	}

	// The system cpio tool, when present, must agree that the archive is valid.
	if _, err := exec.LookPath("cpio"); err != nil {
		t.Log("cpio not installed; skipping the cross-check")
		return
	}
	in, err := os.ReadFile(filepath.Join(dir, "initramfs.cpio"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("cpio", "-it", "--quiet")
	cmd.Stdin = bytes.NewReader(in)
	list, err := cmd.Output()
	if err != nil {
		t.Fatalf("cpio -t: %v", err)
	}
	for _, want := range []string{"dev/console", "dev/null", "bin/probe", "a/b/c/odd", "etc/lc/run.json"} {
		if !strings.Contains("\n"+string(list), "\n"+want+"\n") {
			t.Errorf("cpio -t lacks %s:\n%s", want, list)
		}
	}
}

func TestBuildInitramfsRejects(t *testing.T) {
	dir := t.TempDir()
	tests := []File{
		{Path: "relative", Data: []byte("x")},
		{Path: "/", Dir: true},
		{Path: "/two", Data: []byte("x"), Symlink: "y"},
		{Path: "/none"},
		{Path: "/missing", Host: filepath.Join(dir, "does-not-exist")},
	}
	for i, f := range tests {
		out := filepath.Join(dir, fmt.Sprintf("bad%d.cpio", i))
		if err := BuildInitramfs(out, []File{f}); err == nil {
			t.Errorf("%+v accepted", f)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%+v: partial archive left at %s", f, out)
		}
	}
}
