package main

// Hostile rootfs (issue 9, items 1 and 2): links in the rootfs that point
// out of it must never make the runtime create or mount anything outside
// it, nor switch off /proc masking. Every link points into a sacrificial
// directory made for the test, or at the root of a sandbox that stands in
// for the host's root, never at a real host path.

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

// entries lists a directory's names, sorted.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

// hostileRootfs is a test rootfs beside a sacrificial directory.
func hostileRootfs(t *testing.T) (root, sac string) {
	t.Helper()
	root = makeRootfs(t)
	sac = filepath.Join(filepath.Dir(root), "sacrificial")
	if err := os.Mkdir(sac, 0o755); err != nil && !os.IsExist(err) {
		t.Fatal(err)
	}
	return root, sac
}

// relink replaces the rootfs's entry name with a symlink to target.
func relink(t *testing.T, root, name, target string) {
	t.Helper()
	p := filepath.Join(root, name)
	if err := os.RemoveAll(p); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, p); err != nil {
		t.Fatal(err)
	}
}

func oneLineErr(t *testing.T, what string, r result) {
	t.Helper()
	if s := strings.TrimSpace(r.stderr); s == "" || strings.Contains(s, "\n") {
		t.Errorf("%s: want one line on stderr, got %q", what, r.stderr)
	}
}

func TestHostileRootfsRefused(t *testing.T) {
	needRoot(t)
	t.Parallel()
	for _, name := range []string{"proc", "sys", "dev"} {
		for _, kind := range []string{"own host path", "sacrificial", "relative up", "dangling", "not a directory"} {
			root, sac := hostileRootfs(t)
			switch kind {
			case "own host path": // proc -> /srv/r/x/p1: the reported attack
				os.Mkdir(filepath.Join(root, "p1"), 0o755)
				relink(t, root, name, filepath.Join(root, "p1"))
			case "sacrificial":
				relink(t, root, name, sac)
			case "relative up":
				relink(t, root, name, "../../../../../../.."+sac)
			case "dangling":
				relink(t, root, name, filepath.Join(sac, "missing"))
			case "not a directory":
				os.RemoveAll(filepath.Join(root, name))
				os.WriteFile(filepath.Join(root, name), nil, 0o644)
			}
			before := hostMountsUnder(t, filepath.Dir(root))
			r := lc(t, testCtx(t), "run", "--rootfs", root, "cat", "/proc/self/mountinfo")
			what := name + " " + kind
			if r.code != 125 || !strings.Contains(r.stderr, "/"+name+" ") {
				t.Errorf("%s: exit %d %q; want 125 naming /%s", what, r.code, r.stderr, name)
			}
			oneLineErr(t, what, r)
			if got := entries(t, sac); len(got) != 0 {
				t.Errorf("%s: created in the sacrificial directory: %v", what, got)
			}
			if after := hostMountsUnder(t, filepath.Dir(root)); !slices.Equal(before, after) {
				t.Errorf("%s: host mounts changed: %v -> %v", what, before, after)
			}
		}
	}
}

func TestHostileRootfsProcMaskingControl(t *testing.T) {
	// The reported attack, proc -> <rootfs>/p1 on the host: refused by
	// default; with --unsafe-follow-rootfs-links (the harness's control,
	// and the runtime's old behaviour) proc ends up at /p1 with no masks.
	needRoot(t)
	t.Parallel()
	root, _ := hostileRootfs(t)
	os.Mkdir(filepath.Join(root, "p1"), 0o755)
	relink(t, root, "proc", filepath.Join(root, "p1"))
	if r := lc(t, testCtx(t), "run", "--rootfs", root, "true"); r.code != 125 || !strings.Contains(r.stderr, "/proc is a symlink") {
		t.Errorf("proc -> own host path: exit %d %q, want 125", r.code, r.stderr)
	}
	r := lc(t, testCtx(t), "run", "--rootfs", root, "--unsafe-follow-rootfs-links", "cat", "/p1/self/mountinfo")
	if r.code != 0 {
		t.Fatalf("weakened run: exit %d: %s", r.code, r.stderr)
	}
	masked := 0
	for _, l := range strings.Split(r.stdout, "\n") {
		if f := strings.Fields(l); len(f) > 4 && (strings.HasPrefix(f[4], "/p1/") || strings.HasPrefix(f[4], "/proc/")) {
			masked++
		}
	}
	if !strings.Contains(r.stdout, " /p1 ") || masked != 0 {
		t.Errorf("the control did not reproduce unmasked proc at /p1 (%d masks):\n%s", masked, r.stdout)
	}
}

func TestHostileLinksStayInsideForUserMounts(t *testing.T) {
	// A volume or tmpfs target behind a link that leaves the rootfs lands
	// inside the rootfs (the link is resolved there); the weakening
	// follows it into the sacrificial directory, so the check can fail.
	needRoot(t)
	t.Parallel()
	root, sac := hostileRootfs(t)
	relink(t, root, "etc", sac)
	// Inside the rootfs the link names <rootfs>/<sac>: give it a target
	// there, or it is a dangling link (refused below).
	if err := os.MkdirAll(filepath.Join(root, sac), 0o755); err != nil {
		t.Fatal(err)
	}
	vol := t.TempDir()
	os.WriteFile(filepath.Join(vol, "f"), []byte("volume"), 0o644)
	r := lc(t, testCtx(t), "run", "--rootfs", root, "--tmpfs", "/etc/t", "-v", vol+":/etc/v:ro", "cat", "/etc/v/f")
	if r.code != 0 || r.stdout != "volume" {
		t.Fatalf("exit %d %q: %s", r.code, r.stdout, r.stderr)
	}
	if got := entries(t, sac); len(got) != 0 {
		t.Errorf("created in the sacrificial directory: %v", got)
	}
	for _, p := range []string{"t", "v"} {
		if _, err := os.Stat(filepath.Join(root, sac, p)); err != nil {
			t.Errorf("mount point /etc/%s not made inside the rootfs: %v", p, err)
		}
	}
	relink(t, root, "tmp", "../sacrificial/missing") // on the host: into sac
	r = lc(t, testCtx(t), "run", "--rootfs", root, "--tmpfs", "/tmp/x", "true")
	if r.code != 125 || !strings.Contains(r.stderr, "dangling") {
		t.Errorf("--tmpfs behind a dangling link: exit %d %q, want 125 naming it", r.code, r.stderr)
	}
	oneLineErr(t, "dangling", r)
	if got := entries(t, sac); len(got) != 0 {
		t.Errorf("created in the sacrificial directory: %v", got)
	}
	r = lc(t, testCtx(t), "run", "--rootfs", root, "--unsafe-follow-rootfs-links", "--tmpfs", "/etc/t", "true")
	if got := entries(t, sac); !slices.Contains(got, "t") {
		t.Errorf("--unsafe-follow-rootfs-links: want /etc/t made in the sacrificial directory (control), got %v (exit %d %s)", got, r.code, r.stderr)
	}
}

// sandboxRoot runs the CLI chrooted into box, in a private mount namespace
// with /proc, /sys and /dev bound in: a stand-in for the host's root that a
// link to "/" in the rootfs then names, so the test can see what a runtime
// would create at the root of the host without touching the host's root.
func sandboxRoot(t *testing.T, box string, args ...string) result {
	t.Helper()
	script := `mount --bind "$1" "$1" && mount -t proc proc "$1/proc" && mount --rbind /sys "$1/sys" && mount --rbind /dev "$1/dev" && box="$1" && shift && exec chroot "$box" /lc "$@"`
	return runResult(t, exec.CommandContext(testCtx(t), "unshare", append([]string{"--mount", "--propagation", "private", "sh", "-c", script, "sh", box}, args...)...))
}

// prepareSandbox lays out what sandboxRoot needs in box: mount points and
// a copy of the CLI at /lc.
func prepareSandbox(t *testing.T, box string) {
	t.Helper()
	for _, d := range []string{"proc", "sys", "dev", "tmp"} {
		if err := os.MkdirAll(filepath.Join(box, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(binary)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(box, "lc"), data, 0o755); err != nil {
		t.Fatal(err)
	}
}

func TestDevLinkToRootCreatesNothingThere(t *testing.T) {
	// Item 2 as reported: dev -> / made the runtime create null, zero, ...
	// at the host's real root. Here "/" is a sandbox root.
	needRoot(t)
	if _, err := exec.LookPath("unshare"); err != nil {
		t.Skip("needs unshare (util-linux)")
	}
	t.Parallel()
	box := t.TempDir()
	rootfs := makeRootfs(t)
	if err := os.Rename(rootfs, filepath.Join(box, "r")); err != nil {
		t.Fatal(err)
	}
	relink(t, filepath.Join(box, "r"), "dev", "/")
	prepareSandbox(t, box)
	before := entries(t, box)
	r := sandboxRoot(t, box, "run", "--state-dir", "/tmp/state", "--rootfs", "/r", "true")
	if r.code != 125 || !strings.Contains(r.stderr, "/dev is a symlink") {
		t.Errorf("dev -> /: exit %d %q, want 125", r.code, r.stderr)
	}
	if after := entries(t, box); !slices.Equal(after, before) {
		t.Errorf("created at the (sandbox) root: %v -> %v", before, after)
	}
	// Control: following links as before creates the devices there.
	sandboxRoot(t, box, "run", "--state-dir", "/tmp/state", "--rootfs", "/r", "--unsafe-follow-rootfs-links", "true")
	if after := entries(t, box); !slices.Contains(after, "null") {
		t.Errorf("--unsafe-follow-rootfs-links: no null at the sandbox root (control): %v", after)
	}
}
