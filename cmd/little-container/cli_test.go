package main

import (
	"context"
	"debug/elf"
	"strings"
	"testing"
)

// repeats reports a message that says the same thing twice in a row, as
// "mkdir X: mkdir X: ..." did.
func repeats(msg string) bool {
	parts := strings.Split(msg, ": ")
	for i := 1; i < len(parts); i++ {
		if len(parts[i]) >= 6 && strings.HasPrefix(parts[i], parts[i-1]) {
			return true
		}
	}
	return false
}

func TestRepeats(t *testing.T) {
	if !repeats("little-container: mkdir /x/dev: mkdir /x/dev: file exists") {
		t.Error("missed a repeat")
	}
	if repeats("little-container: rootfs /r: /proc is a symlink (to /x); it must be a real directory") {
		t.Error("false repeat")
	}
}

func TestCLIErrorsAreOneLine(t *testing.T) {
	// Bad flags printed Go's flag error and the whole usage.
	t.Parallel()
	root := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "--nope"}, "little-container: unknown flag --nope (see 'little-container help run')"},
		{[]string{"run", "-nope=3", "true"}, "little-container: unknown flag --nope (see 'little-container help run')"},
		{[]string{"run", "--rootfs"}, "little-container: flag --rootfs needs a value (see 'little-container help run')"},
		{[]string{"run", "--pids-max", "x", "true"}, `little-container: --pids-max "x": want a whole number (see 'little-container help run')`},
		{[]string{"run", "--pids-max", "0x10", "true"}, `--pids-max "0x10": want a whole number`},
		{[]string{"run", "--read-only=maybe", "true"}, `--read-only takes no value`},
		{[]string{"run", "--rootfs", root, "--cpus", "NaN", "true"}, `--cpus "NaN"`},
		{[]string{"run", "--rootfs", root, "--memory", "512K", "true"}, "memory limit 512K is below what the runtime needs to start (about 2M)"},
		{[]string{"run", "--rootfs", root, "--pids-max", "99999999", "true"}, "pids limit 99999999 is above the kernel's maximum"},
		{[]string{"run", "--rootfs", root, "-v", "/nonexistent-lc-volume:/x", "true"}, "volume /nonexistent-lc-volume: no such file or directory"},
		{[]string{"run", "--rootfs", root, "-v", "rel:/x", "true"}, "must be absolute"},
		{[]string{"help", "nope"}, `no help for "nope"`},
		{[]string{"nope"}, `unknown command "nope"`},
		{[]string{"run", "--hostname", "a\nb", "true"}, `hostname "a\nb"`},
		{[]string{"run", "--rootfs", "/no/such\nrootfs", "true"}, `rootfs /no/such\nrootfs`},
		{[]string{"run", "--nope\nx"}, "unknown flag --nope?x"},
	} {
		r := lc(t, context.Background(), tc.args...)
		if r.code != 125 {
			t.Errorf("%q: exit %d, want 125", tc.args, r.code)
		}
		if !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%q: stderr %q, want %q", tc.args, r.stderr, tc.want)
		}
		oneLineErr(t, strings.Join(tc.args, " "), r)
		if repeats(r.stderr) {
			t.Errorf("%q: the message repeats itself: %q", tc.args, r.stderr)
		}
	}
	for _, args := range [][]string{{"help"}, {"help", "run"}, {"help", "gc"}, {"run", "--help"}, {"version"}} {
		if r := lc(t, context.Background(), args...); r.code != 0 || r.stdout == "" {
			t.Errorf("%q: exit %d, stdout %d bytes", args, r.code, len(r.stdout))
		}
	}
}

func TestPidsAboveKernelMaxRefusedBeforeSetup(t *testing.T) {
	needRoot(t)
	t.Parallel()
	id := testID(t)
	r := lc(t, testCtx(t), "run", "--rootfs", makeRootfs(t), "--id", id, "--pids-max", "4194305", "true")
	if r.code != 125 || !strings.Contains(r.stderr, "above the kernel's maximum") {
		t.Errorf("exit %d %q", r.code, r.stderr)
	}
	if left := cgroupDirs(t, id); len(left) != 0 {
		t.Errorf("cgroup made before the limit was refused: %v", left)
	}
}

func TestMemoryBelowWhatTheRuntimeNeeds(t *testing.T) {
	needRoot(t)
	needMemoryController(t)
	t.Parallel()
	root := makeRootfs(t)
	r := lc(t, testCtx(t), "run", "--rootfs", root, "--memory", "1M", "true")
	if r.code != 125 || !strings.Contains(r.stderr, "below what the runtime needs to start") || strings.Contains(r.stderr, "connection reset") {
		t.Errorf("--memory 1M: exit %d %q", r.code, r.stderr)
	}
	if r := lc(t, testCtx(t), "run", "--rootfs", root, "--memory", "2M", "true"); r.code != 0 && !strings.Contains(r.stderr, "below what the runtime needs") {
		t.Errorf("--memory 2M: exit %d %q: a failure must name the limit", r.code, r.stderr)
	}
}

func TestDefaultHostnameFromAnyID(t *testing.T) {
	// An id with '_' gave a default host name the kernel refused.
	needRoot(t)
	t.Parallel()
	root := makeRootfs(t)
	id := "a_b." + strings.ReplaceAll(testID(t), "-", "_")
	r := lc(t, testCtx(t), "run", "--rootfs", root, "--id", id, "hostname")
	if r.code != 0 {
		t.Fatalf("--id %s: exit %d %q", id, r.code, r.stderr)
	}
	if got := strings.TrimSpace(r.stdout); got != "a-b-t"+strings.SplitN(id, "t", 2)[1][:8] && !strings.HasPrefix(got, "a-b-") {
		t.Errorf("hostname %q from id %q", got, id)
	}
}

func TestBinaryIsStatic(t *testing.T) {
	// The VM route and the hostile-root sandboxes run the binary where no
	// libc is; package net or os/user would quietly link one in (cgo).
	f, err := elf.Open(binary)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Fatal("the CLI is dynamically linked (a PT_INTERP header): something imports package net or os/user")
		}
	}
}
