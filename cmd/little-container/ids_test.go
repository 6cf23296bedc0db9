package main

import (
	"strings"
	"testing"
)

func TestUserIDsOutOfRangeRefused(t *testing.T) {
	// 4294967296 and 4294967295 ran as uid 0 and 99999999999 wrapped:
	// runc's range, 0 to 2^31-1, and nothing wraps.
	needRoot(t)
	t.Parallel()
	root := makeRootfs(t)
	for _, u := range []string{"4294967296", "4294967295", "99999999999", "1000:4294967296", "2147483648", "-1",
		"+5", "0x10", "1000:", ":1000", "1e3", " 5", "99999999999999999999999"} {
		id := testID(t)
		r := lc(t, testCtx(t), "run", "--rootfs", root, "--id", id, "--user", u, "id")
		if r.code != 125 || !strings.Contains(r.stderr, "--user") {
			t.Errorf("--user %q: exit %d, out %q, err %q; want 125 naming --user", u, r.code, r.stdout, r.stderr)
		}
		oneLineErr(t, "--user "+u, r)
		if left := cgroupDirs(t, id); len(left) != 0 {
			t.Errorf("--user %q: cgroup made before the id was refused: %v", u, left)
		}
	}
	r := lc(t, testCtx(t), "run", "--rootfs", root, "--user", "2147483647:2147483647", "id", "-u")
	if r.code != 0 || strings.TrimSpace(r.stdout) != "2147483647" {
		t.Errorf("--user 2147483647 (the highest): exit %d, uid %q: %s", r.code, r.stdout, r.stderr)
	}
}

func TestUserNotMappedRefused(t *testing.T) {
	needRoot(t)
	t.Parallel()
	root := makeRootfs(t)
	// --userns maps 0..65535; rootless maps only 0.
	r := lc(t, testCtx(t), "run", "--rootfs", root, "--userns", "--user", "70000", "true")
	if r.code != 125 || !strings.Contains(r.stderr, "uid 70000 is not mapped") {
		t.Errorf("--userns --user 70000: exit %d %q, want 125 saying it is not mapped", r.code, r.stderr)
	}
	oneLineErr(t, "not mapped", r)
	r = runAsNobody(t, "run", "--rootfs", root, "--user", "1000", "true")
	if r.code != 125 || !strings.Contains(r.stderr, "not mapped") || !strings.Contains(r.stderr, "rootless") {
		t.Errorf("rootless --user 1000: exit %d %q, want 125 saying it is not mapped (rootless)", r.code, r.stderr)
	}
	oneLineErr(t, "rootless not mapped", r)
}

func TestIDMaps(t *testing.T) {
	needRoot(t)
	t.Parallel()
	root := makeRootfs(t)
	maps := func(flags ...string) (string, string) {
		r := lc(t, testCtx(t), append(append([]string{"run", "--rootfs", root}, flags...), "cat", "/proc/self/uid_map", "/proc/self/gid_map")...)
		if r.code != 0 {
			t.Fatalf("%v: exit %d: %s", flags, r.code, r.stderr)
		}
		l := strings.Split(strings.TrimSpace(r.stdout), "\n")
		if len(l) < 2 {
			t.Fatalf("%v: %q", flags, r.stdout)
		}
		return strings.Join(strings.Fields(l[0]), " "), strings.Join(strings.Fields(l[len(l)-1]), " ")
	}
	if u, g := maps("--userns"); u != "0 100000 65536" || g != "0 100000 65536" {
		t.Errorf("--userns default maps: %q %q", u, g)
	}
	// The weakening the harness uses: container root is host root.
	if u, g := maps("--userns", "--uid-map", "0:0:65536", "--gid-map", "0:0:65536"); u != "0 0 65536" || g != "0 0 65536" {
		t.Errorf("--uid-map 0:0:65536: maps %q %q", u, g)
	}
	if u, _ := maps("--userns", "--uid-map", "0:200000:1000", "--uid-map", "1000:300000:10"); u != "0 200000 1000" {
		t.Errorf("two ranges: first line %q", u)
	}
	for _, bad := range [][]string{
		{"--uid-map", "0:0:1"},                                           // no --userns
		{"--userns", "--uid-map", "0:0:0"},                               // empty
		{"--userns", "--uid-map", "0:4294967295:1"},                      // the invalid id
		{"--userns", "--uid-map", "0:1000:10", "--uid-map", "5:9000:10"}, // overlap inside
		{"--userns", "--uid-map", "1:1000:10"},                           // no root inside
		{"--userns", "--gid-map", "x"},
	} {
		r := lc(t, testCtx(t), append(append([]string{"run", "--rootfs", root}, bad...), "true")...)
		if r.code != 125 {
			t.Errorf("%v: exit %d, want 125 (%s)", bad, r.code, r.stderr)
		}
		oneLineErr(t, strings.Join(bad, " "), r)
	}
	r := runAsNobody(t, "run", "--rootfs", root, "--uid-map", "0:0:10", "true")
	if r.code != 125 || !strings.Contains(r.stderr, "rootless") {
		t.Errorf("rootless --uid-map 0:0:10: exit %d %q, want 125 explaining rootless maps", r.code, r.stderr)
	}
	oneLineErr(t, "rootless map", r)
}
