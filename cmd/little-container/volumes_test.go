package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// mountOpts reads the per-mount options of mountpoint from mountinfo text.
func mountOpts(mountinfo, mountpoint string) (string, bool) {
	for _, l := range strings.Split(mountinfo, "\n") {
		if f := strings.Fields(l); len(f) > 5 && f[4] == mountpoint {
			return f[5], true
		}
	}
	return "", false
}

func TestVolumes(t *testing.T) {
	needRoot(t)
	t.Parallel()
	root := makeRootfs(t)
	rw, ro := t.TempDir(), t.TempDir()
	os.WriteFile(filepath.Join(ro, "f"), []byte("ro"), 0o644)
	file := filepath.Join(t.TempDir(), "single")
	os.WriteFile(file, []byte("one file"), 0o644)
	script := `echo written > /data/rw/new && cat /data/ro/f && ! (echo x > /data/ro/f) 2>/dev/null && ! (: > /data/ro/g) 2>/dev/null && cat /etc/single && cat /proc/self/mountinfo`
	r := lc(t, testCtx(t), "run", "--rootfs", root, "-v", rw+":/data/rw", "--volume", ro+":/data/ro:ro", "-v", file+":/etc/single:ro", "sh", "-c", script)
	if r.code != 0 {
		t.Fatalf("exit %d: %s\n%s", r.code, r.stderr, r.stdout)
	}
	if b, _ := os.ReadFile(filepath.Join(rw, "new")); string(b) != "written\n" {
		t.Errorf("rw volume: the host sees %q", b)
	}
	if !strings.HasPrefix(r.stdout, "roone file") {
		t.Errorf("volume contents: %q", r.stdout[:min(len(r.stdout), 40)])
	}
	if b, _ := os.ReadFile(filepath.Join(ro, "f")); string(b) != "ro" {
		t.Errorf("ro volume written through: %q", b)
	}
	if _, err := os.Stat(filepath.Join(ro, "g")); err == nil {
		t.Errorf("a file was created in the ro volume")
	}
	for mp, want := range map[string][]string{
		"/data/rw": {"rw", "nosuid", "nodev"}, "/data/ro": {"ro", "nosuid", "nodev"}, "/etc/single": {"ro", "nosuid", "nodev"},
	} {
		opts, ok := mountOpts(r.stdout, mp)
		if !ok {
			t.Errorf("%s is not a mount", mp)
			continue
		}
		for _, w := range want {
			if !strings.Contains(","+opts+",", ","+w+",") {
				t.Errorf("%s mounted %q, want %s", mp, opts, w)
			}
		}
	}
	// Nothing of the volumes stays on the host.
	if m := hostMountsUnder(t, root); len(m) != 0 {
		t.Errorf("mounts left on the host: %v", m)
	}
}

func TestReadOnlyRootAndTmpfs(t *testing.T) {
	needRoot(t)
	t.Parallel()
	root := makeRootfs(t)
	r := lc(t, testCtx(t), "run", "--rootfs", root, "--read-only", "--tmpfs", "/tmp", "--tmpfs", "/run/x",
		"sh", "-c", `! (: > /newfile) 2>/dev/null && : > /tmp/a && : > /run/x/b && stat -c %a /tmp && cat /proc/self/mountinfo`)
	if r.code != 0 {
		t.Fatalf("exit %d: %s\n%s", r.code, r.stderr, r.stdout)
	}
	if _, err := os.Stat(filepath.Join(root, "newfile")); err == nil {
		t.Errorf("--read-only: a file was created in the rootfs")
	}
	if !strings.HasPrefix(r.stdout, "1777\n") {
		t.Errorf("--tmpfs /tmp mode: %q", strings.SplitN(r.stdout, "\n", 2)[0])
	}
	if opts, _ := mountOpts(r.stdout, "/"); !strings.HasPrefix(opts, "ro") {
		t.Errorf("/ mounted %q, want ro", opts)
	}
	for _, mp := range []string{"/tmp", "/run/x"} {
		if opts, ok := mountOpts(r.stdout, mp); !ok || !strings.HasPrefix(opts, "rw") || !strings.Contains(opts, "nodev") || !strings.Contains(opts, "nosuid") {
			t.Errorf("%s mounted %q (%v), want rw,nosuid,nodev", mp, opts, ok)
		}
	}
	// The mount point /run/x was made inside the rootfs, before the
	// rootfs became read-only.
	if _, err := os.Stat(filepath.Join(root, "run/x")); err != nil {
		t.Errorf("--tmpfs /run/x: no mount point in the rootfs: %v", err)
	}
	// Control: without --read-only the rootfs is writable.
	if r := lc(t, testCtx(t), "run", "--rootfs", root, "sh", "-c", ": > /newfile"); r.code != 0 {
		t.Errorf("without --read-only: exit %d %s", r.code, r.stderr)
	}
}

func TestTimeNamespace(t *testing.T) {
	needRoot(t)
	if _, err := os.Stat("/proc/self/ns/time"); err != nil {
		t.Skip("the kernel has no time namespaces (5.6+)")
	}
	t.Parallel()
	root := makeRootfs(t)
	var st unix.Stat_t
	if err := unix.Stat("/proc/self/ns/time", &st); err != nil {
		t.Fatal(err)
	}
	host := fmt.Sprintf("%d:%d", st.Dev, st.Ino)
	inside := func(flags ...string) string {
		// The command's own namespace and the one its children get: both
		// must be the container's (the init is cloned into it).
		r := lc(t, testCtx(t), append(append([]string{"run", "--rootfs", root}, flags...),
			"stat", "-L", "-c", "%d:%i", "/proc/self/ns/time", "/proc/self/ns/time_for_children")...)
		if r.code != 0 {
			t.Fatalf("%v: exit %d: %s", flags, r.code, r.stderr)
		}
		f := strings.Fields(r.stdout)
		if len(f) != 2 || f[0] != f[1] {
			t.Fatalf("%v: time and time_for_children differ: %q", flags, r.stdout)
		}
		return f[0]
	}
	if got := inside(); got == host {
		t.Errorf("the container shares the host's time namespace %s", host)
	}
	if got := inside("--userns"); got == host {
		t.Errorf("--userns: the container shares the host's time namespace %s", host)
	}
	if got := inside("--share", "time"); got != host {
		t.Errorf("--share time: %s, want the host's %s", got, host)
	}
}
