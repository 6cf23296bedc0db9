package probes

import (
	"testing"

	"golang.org/x/sys/unix"
)

func TestClassifySyscall(t *testing.T) {
	tests := []struct {
		got, filter unix.Errno
		capFirst    bool
		want        string
	}{
		{unix.EPERM, unix.EPERM, false, VerdictSeccomp},     // mount under Docker's profile
		{unix.EFAULT, unix.EPERM, false, VerdictKernel},     // mount reached copy_mount_string
		{unix.EPERM, unix.EPERM, true, VerdictAmbiguous},    // finit_module: cap check or filter
		{unix.EBADF, unix.EPERM, true, VerdictKernel},       // finit_module past the cap check
		{unix.ENOSYS, unix.ENOSYS, true, VerdictSeccomp},    // a filter answering ENOSYS
		{unix.ENOSYS, unix.EPERM, false, VerdictKernel},     // not built in
		{unix.EOPNOTSUPP, unix.EPERM, false, VerdictKernel}, // keyctl with a bad command
	}
	for _, tt := range tests {
		if got := classifySyscall(tt.got, tt.filter, tt.capFirst); got != tt.want {
			t.Errorf("classifySyscall(%s, %s, %t) = %q, want %q", unix.ErrnoName(tt.got), unix.ErrnoName(tt.filter), tt.capFirst, got, tt.want)
		}
	}
}

func TestParseErrno(t *testing.T) {
	for in, want := range map[string]unix.Errno{"EPERM": unix.EPERM, "eperm": unix.EPERM, "1": unix.EPERM, " ENOSYS ": unix.ENOSYS, "38": unix.ENOSYS} {
		if got, err := parseErrno(in); err != nil || got != want {
			t.Errorf("parseErrno(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "0", "-1", "4096", "ENOTANERRNO"} {
		if _, err := parseErrno(bad); err == nil {
			t.Errorf("parseErrno(%q) accepted", bad)
		}
	}
}

// TestSecBadCallsNames keeps the syscall-<name> contract: names are unique
// and match the documented list.
func TestSecBadCallsNames(t *testing.T) {
	want := []string{"mount", "unshare", "setns", "finit_module", "kexec_load", "open_by_handle_at",
		"bpf", "perf_event_open", "keyctl", "add_key", "ptrace"}
	if len(secBadCalls) != len(want) {
		t.Fatalf("%d bad calls, want %d", len(secBadCalls), len(want))
	}
	for i, c := range secBadCalls {
		if c.name != want[i] {
			t.Errorf("bad call %d is %q, want %q", i, c.name, want[i])
		}
	}
}

func TestParseRelease(t *testing.T) {
	for rel, want := range map[string][3]int{
		"6.1.0-28-amd64": {6, 1, 1}, "6.18.44-fc-v669": {6, 18, 1}, "5.15.0-91-generic": {5, 15, 1},
		"6.5rc1": {6, 5, 1}, "garbage": {0, 0, 0},
	} {
		ma, mi, ok := parseRelease(rel)
		if ma != want[0] || mi != want[1] || ok != (want[2] == 1) {
			t.Errorf("parseRelease(%q) = %d %d %v", rel, ma, mi, ok)
		}
	}
}
