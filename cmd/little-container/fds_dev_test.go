package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// runWithFiles runs the CLI with extra descriptors from 3 on.
func runWithFiles(t *testing.T, files []*os.File, args ...string) result {
	t.Helper()
	cmd := exec.CommandContext(testCtx(t), binary, args...)
	cmd.ExtraFiles = files
	return runResult(t, cmd)
}

func TestPreserveFDsOnlyWhatWasPassed(t *testing.T) {
	// --preserve-fds beyond what the caller passed handed over the Go
	// runtime's cgroup file and both ends of the sync socket.
	needRoot(t)
	t.Parallel()
	root := makeRootfs(t)
	f, err := os.Open(filepath.Join(root, "bin"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, tc := range []struct {
		files []*os.File
		n     string
	}{{nil, "1"}, {nil, "8"}, {[]*os.File{f}, "2"}, {[]*os.File{f}, "30"}} {
		r := runWithFiles(t, tc.files, "run", "--rootfs", root, "--preserve-fds", tc.n, "true")
		if r.code != 125 || !strings.Contains(r.stderr, "preserve-fds "+tc.n) {
			t.Errorf("%d passed, --preserve-fds %s: exit %d %q, want 125", len(tc.files), tc.n, r.code, r.stderr)
		}
		oneLineErr(t, "preserve-fds", r)
	}
	// One passed, one asked for: the command holds stdio and fd 3, and
	// nothing of the runtime's (no socket, no cgroup file).
	r := runWithFiles(t, []*os.File{f}, "run", "--rootfs", root, "--preserve-fds", "1",
		"sh", "-c", `ls -l /proc/$$/fd; true`) // "; true": the shell must not exec ls

	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var fds []string
	for _, l := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		f := strings.Fields(l)
		if len(f) < 3 || f[len(f)-2] != "->" {
			continue
		}
		num, target := f[len(f)-3], f[len(f)-1]
		fds = append(fds, num)
		if num == "3" && target != "/bin" && !strings.HasSuffix(target, "/bin") {
			t.Errorf("fd 3 is %q, want the passed directory", target)
		}
		if strings.HasPrefix(target, "socket:") || strings.Contains(target, "cgroup") {
			t.Errorf("the runtime's own descriptor reached the command: %s", l)
		}
	}
	if strings.Join(fds, ",") != "0,1,2,3" {
		t.Errorf("the command holds fds %v, want 0,1,2,3\n%s", fds, r.stdout)
	}
}

func devOf(t *testing.T, p string) string {
	t.Helper()
	var st unix.Stat_t
	if err := unix.Stat(p, &st); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%d:%d", st.Dev, st.Ino)
}

func TestDevicesAreTheContainersOwn(t *testing.T) {
	// As real root the standard devices are nodes of the container's own,
	// not bind mounts of the host's: a chmod inside would change the
	// host's. The test only looks; it never chmods.
	needRoot(t)
	t.Parallel()
	root := makeRootfs(t)
	names := []string{"null", "zero", "full", "random", "urandom", "tty"}
	script := ""
	for _, n := range names {
		script += "stat -c '%d:%i %t:%T %a' /dev/" + n + "; "
	}
	script += "echo x > /dev/null && head -c 4 /dev/zero | wc -c; "
	script += "if mknod /dev/made c 1 3 2>/dev/null; then cat /dev/made 2>/dev/null && echo OPENED || echo REFUSED; else echo NO-MKNOD; fi"
	for _, mode := range []struct {
		flags []string
		own   bool
	}{{nil, true}, {[]string{"--userns"}, false}} {
		r := lc(t, testCtx(t), append(append([]string{"run", "--rootfs", root}, mode.flags...), "sh", "-c", script)...)
		if r.code != 0 {
			t.Fatalf("%v: exit %d: %s", mode.flags, r.code, r.stderr)
		}
		lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
		for i, n := range names {
			f := strings.Fields(lines[i])
			host := devOf(t, "/dev/"+n)
			if mode.own && f[0] == host {
				t.Errorf("/dev/%s is the host's own node (%s)", n, host)
			}
			if !mode.own && f[0] != host {
				t.Errorf("--userns: /dev/%s (%s) should be the host's node bound in (%s)", n, f[0], host)
			}
			if f[2] != "666" {
				t.Errorf("%v: /dev/%s mode %s, want 666", mode.flags, n, f[2])
			}
		}
		if lines[len(names)] != "4" {
			t.Errorf("%v: /dev/null and /dev/zero do not work: %q", mode.flags, lines[len(names)])
		}
		// Under --userns mknod itself is refused; as root the node is made
		// but /dev stays nodev, so it does not open.
		if strings.Contains(r.stdout, "OPENED") {
			t.Errorf("%v: a node made in /dev opened: /dev is not nodev", mode.flags)
		}
		if want := map[bool]string{true: "REFUSED", false: "NO-MKNOD"}[mode.own]; !strings.Contains(r.stdout, want) {
			t.Errorf("%v: mknod in /dev: want %s, got %q", mode.flags, want, lines[len(lines)-1])
		}
	}
}
