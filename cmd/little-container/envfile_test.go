package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func execCLI(t *testing.T, args ...string) *exec.Cmd {
	return exec.CommandContext(testCtx(t), binary, args...)
}

func TestParseEnvFile(t *testing.T) {
	lookup := func(k string) (string, bool) {
		if k == "FROM_HOST" {
			return "yes", true
		}
		return "", false
	}
	got, err := parseEnvFile("# comment\n\nA=1\n  B=two words \nC=\"quoted\"\nFROM_HOST\nUNSET\nD=x=y\r\nE=\n", lookup)
	want := []string{"A=1", "B=two words ", `C="quoted"`, "FROM_HOST=yes", "D=x=y", "E="}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, %v; want %q", got, err, want)
	}
	for _, bad := range []string{"=x", "A B=1", "x\x00=1"} {
		if _, err := parseEnvFile(bad, lookup); err == nil || !strings.Contains(err.Error(), "line 1") {
			t.Errorf("%q: error %v, want one naming line 1", bad, err)
		}
	}
}

func TestMergeEnv(t *testing.T) {
	got := mergeEnv([]string{"A=1", "B=2"}, []string{"C=3", "A=4"}, []string{"B=5"})
	if want := []string{"A=4", "B=5", "C=3"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestEnvFileAndUserNames(t *testing.T) {
	needRoot(t)
	t.Parallel()
	root := makeRootfs(t)
	os.WriteFile(filepath.Join(root, "etc/passwd"), []byte("root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n"), 0o644)
	os.WriteFile(filepath.Join(root, "etc/group"), []byte("root:x:0:\nalice:x:1000:\nstaff:x:50:alice\n"), 0o644)
	envFile := filepath.Join(t.TempDir(), "env")
	os.WriteFile(envFile, []byte("# set by file\nA=from-file\nB=from-file\nLC_FROM_HOST\n"), 0o644)
	cmd := func(args ...string) result {
		c := execCLI(t, args...)
		c.Env = append(os.Environ(), "LC_FROM_HOST=host-value")
		return runResult(t, c)
	}
	r := cmd("run", "--rootfs", root, "--env-file", envFile, "-e", "B=from-flag", "--user", "alice", "sh", "-c", `echo "$A $B $LC_FROM_HOST $HOME"; id`)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if want := "from-file from-flag host-value /home/alice\nuid=1000(alice) gid=1000(alice) groups=50(staff)\n"; r.stdout != want {
		t.Errorf("got %q, want %q", r.stdout, want)
	}
	for _, tc := range []struct {
		user, want string
	}{
		{"0", "/root uid=0(root) gid=0(root)"},
		{"alice:staff", "/home/alice uid=1000(alice) gid=50(staff)"},
		{"1234", "/ uid=1234 gid=1234"},
	} {
		r := cmd("run", "--rootfs", root, "--user", tc.user, "sh", "-c", `echo "$HOME $(id | cut -d' ' -f1,2)"`)
		if got := strings.TrimSpace(r.stdout); r.code != 0 || got != tc.want {
			t.Errorf("--user %s: exit %d %q, want %q (%s)", tc.user, r.code, got, tc.want, r.stderr)
		}
	}
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--user", "bob"}, "user bob: no such user in the rootfs's /etc/passwd"},
		{[]string{"--user", "alice:nope"}, "group nope: no such group"},
		{[]string{"--user", "-x"}, "neither an id"},
		{[]string{"--env-file", "/no/such/file"}, "--env-file"},
	} {
		r := cmd(append(append([]string{"run", "--rootfs", root}, tc.args...), "true")...)
		if r.code != 125 || !strings.Contains(r.stderr, tc.msg) {
			t.Errorf("%v: exit %d %q, want 125 saying %q", tc.args, r.code, r.stderr, tc.msg)
		}
		oneLineErr(t, strings.Join(tc.args, " "), r)
	}
}

func TestHostilePasswdStaysInside(t *testing.T) {
	// The rootfs's /etc/passwd is the rootfs's: a link out of it resolves
	// inside, a FIFO does not hang the start, a huge file is cut short.
	needRoot(t)
	t.Parallel()
	outside := t.TempDir()
	os.WriteFile(filepath.Join(outside, "passwd"), []byte("root:x:0:0::/leaked-from-host:/bin/sh\n"), 0o644)
	for _, tc := range []struct {
		name  string
		setup func(root string) error
		home  string
	}{
		{"absolute link", func(root string) error {
			return os.Symlink(filepath.Join(outside, "passwd"), filepath.Join(root, "etc/passwd"))
		}, "/"},
		{"dotdot link", func(root string) error {
			return os.Symlink(strings.Repeat("../", 20)+strings.TrimPrefix(outside, "/")+"/passwd", filepath.Join(root, "etc/passwd"))
		}, "/"},
		// A magic link is refused (openat2 RESOLVE_NO_MAGICLINKS) or,
		// without openat2, read as the plain link "/": inside either way.
		{"magic link", func(root string) error {
			return os.Symlink("/proc/self/root"+outside+"/passwd", filepath.Join(root, "etc/passwd"))
		}, "refused or /"},
	} {
		root := makeRootfs(t)
		if err := tc.setup(root); err != nil {
			t.Fatal(err)
		}
		r := lc(t, testCtx(t), "run", "--rootfs", root, "sh", "-c", "echo $HOME")
		if tc.home == "refused or /" && r.code == 125 && strings.Contains(r.stderr, "/etc/passwd") {
			continue
		}
		if r.code != 0 || strings.TrimSpace(r.stdout) != strings.TrimPrefix(tc.home, "refused or ") {
			t.Errorf("%s: exit %d HOME %q, want %q (%s)", tc.name, r.code, r.stdout, tc.home, r.stderr)
		}
	}
	root := makeRootfs(t)
	if err := unix.Mkfifo(filepath.Join(root, "etc/passwd"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := lc(t, testCtx(t), "run", "--rootfs", root, "true")
	if r.code != 125 || !strings.Contains(r.stderr, "/etc/passwd is not a regular file") {
		t.Errorf("FIFO passwd: exit %d %q", r.code, r.stderr)
	}
}
