package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// throwawayUser runs the CLI as a user made for the test, who exists only
// in a private mount namespace: there /etc/passwd, /etc/group, /etc/subuid
// and /etc/subgid are copies that add it (the host's files and users are
// never changed), and, because this host's /dev/net/tun is root's alone
// (mode 0600, where distributions ship 0666), a tun node of mode 0666 is
// bound over it for the rootless slirp4netns. subRange empty gives the user
// no subordinate ids.
func throwawayUser(t *testing.T, ctx context.Context, subRange string, args ...string) result {
	t.Helper()
	needUserTools(t)
	dir := t.TempDir()
	os.Chmod(dir, 0o755)
	uid := 61000 + os.Getpid()%1000
	name := fmt.Sprintf("lc-t%d", uid)
	files := map[string]string{}
	for _, f := range []string{"passwd", "group"} {
		b, err := os.ReadFile("/etc/" + f)
		if err != nil {
			t.Fatal(err)
		}
		files[f] = string(b)
	}
	files["passwd"] += fmt.Sprintf("%s:x:%d:%d::/:/bin/sh\n", name, uid, uid)
	files["group"] += fmt.Sprintf("%s:x:%d:\n", name, uid)
	files["subuid"], files["subgid"] = "", ""
	if subRange != "" {
		files["subuid"] = name + ":" + subRange + "\n"
		files["subgid"] = name + ":" + subRange + "\n"
	}
	script := "set -e\n"
	for f, text := range files {
		p := filepath.Join(dir, f)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		script += fmt.Sprintf("mount --bind %s /etc/%s\n", p, f)
	}
	script += fmt.Sprintf("mount -t tmpfs tmpfs %s && mknod -m 666 %s/tun c 10 200 && mount --bind %s/tun /dev/net/tun || true\n", dir, dir, dir)
	script += fmt.Sprintf(`exec setpriv --reuid %d --regid %d --clear-groups env HOME=/ XDG_RUNTIME_DIR= "$@"`, uid, uid)
	cmd := exec.CommandContext(ctx, "unshare", append([]string{"-m", "--propagation", "private", "sh", "-c", script, "sh", binary}, args...)...)
	return runResult(t, cmd)
}

// needUserTools skips the test where throwawayUser cannot work. Call it on
// the test's goroutine: a skip from another one would stop only that one.
func needUserTools(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"unshare", "setpriv", "newuidmap", "newgidmap"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("needs %s (Debian packages util-linux, uidmap)", tool)
		}
	}
	for _, f := range []string{"passwd", "group", "subuid", "subgid"} {
		if _, err := os.Stat("/etc/" + f); err != nil {
			t.Skipf("the host has no /etc/%s to bind a copy over (the test never creates host files)", f)
		}
	}
}

func TestRootlessSubordinateIDs(t *testing.T) {
	needRoot(t)
	t.Parallel()
	root := makeRootfs(t)
	// Giving a file to uid 1000, as apt gives its cache to _apt.
	script := "cat /proc/self/uid_map /proc/self/gid_map; touch /tmp/f; chown 1000:1000 /tmp/f && stat -c %u:%g /tmp/f"
	r := throwawayUser(t, testCtx(t), "400000:65536", "run", "--rootfs", root, "sh", "-c", script)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var maps [][]string
	for _, l := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		maps = append(maps, strings.Fields(l))
	}
	uid := fmt.Sprint(61000 + os.Getpid()%1000)
	want := [][]string{{"0", uid, "1"}, {"1", "400000", "65536"}, {"0", uid, "1"}, {"1", "400000", "65536"}, {"1000:1000"}}
	if fmt.Sprint(maps) != fmt.Sprint(want) {
		t.Errorf("maps and owner after chown: %v, want %v", maps, want)
	}
	if owner := statOwner(t, filepath.Join(root, "tmp/f")); owner != "400999:400999" {
		t.Errorf("on the host the file belongs to %s, want the subordinate 400999:400999", owner)
	}
	if r.stderr != "" {
		t.Errorf("stderr %q, want nothing", r.stderr)
	}
	// Control: without a range only the caller is mapped, changing user
	// fails, and one line says why.
	r = throwawayUser(t, testCtx(t), "", "run", "--rootfs", root, "sh", "-c", script)
	if strings.Contains(r.stdout, "1000:1000") || !strings.Contains(r.stderr, "little-container: rootless: only your own uid and gid are mapped (lc-t"+uid+" has no range in /etc/subuid)") {
		t.Errorf("no range: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
	if strings.Count(r.stderr, "little-container:") != 1 {
		t.Errorf("want one line from the runtime, got %q", r.stderr)
	}
}

func TestRootlessSlirpWithSubordinateIDs(t *testing.T) {
	needRoot(t)
	t.Parallel()
	root := makeRootfs(t)
	os.WriteFile(filepath.Join(root, "etc/resolv.conf"), nil, 0o644) // as every distribution has
	ctx := testCtx(t)
	needUserTools(t) // here: throwawayUser runs off the test's goroutine below
	privateNet(t, func() error {
		port, err := greeter(t, netOutside+":0", "outside-ok")
		if err != nil {
			return err
		}
		r := throwawayUser(t, ctx, "400000:65536", "run", "--rootfs", root, "--net", "slirp", "--init",
			"sh", "-c", fmt.Sprintf("busybox nc -w 5 %s %d </dev/null", netOutside, port))
		if r.code != 0 || !strings.Contains(r.stdout, "outside-ok") {
			return fmt.Errorf("rootless --net slirp: exit %d %q %q", r.code, r.stdout, r.stderr)
		}
		return nil
	})
}

func statOwner(t *testing.T, p string) string {
	t.Helper()
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	return fmt.Sprintf("%d:%d", st.Uid, st.Gid)
}
