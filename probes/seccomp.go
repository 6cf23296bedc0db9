package probes

import (
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// Pure decisions of the syscall-<name> attempts (see seccomp_linux.go):
// was a syscall stopped by the seccomp filter, or did it reach the kernel?

// Verdicts of a syscall-<name> attempt, the first word of its Detail.
const (
	VerdictSeccomp   = "seccomp"   // the filter's errno: stopped before the kernel
	VerdictKernel    = "kernel"    // another errno: the syscall ran and refused the bad argument
	VerdictAmbiguous = "ambiguous" // the filter's errno is also the kernel's capability answer
)

// classifySyscall decides from the errno a deliberately bad call returned.
// filter is the errno the runtime's seccomp filter answers with (EPERM for
// runc, crun and Docker's profile). capFirst marks syscalls whose kernel
// code checks a capability before looking at the bad argument: for them the
// filter's EPERM cannot be told from the capability check's EPERM without
// the unconfined control run.
func classifySyscall(got, filter unix.Errno, capFirst bool) string {
	switch {
	case got != filter:
		return VerdictKernel
	case capFirst && got == unix.EPERM:
		return VerdictAmbiguous
	default:
		return VerdictSeccomp
	}
}

// parseErrno reads an errno as a name ("EPERM") or a number ("1").
func parseErrno(s string) (unix.Errno, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("empty errno")
	}
	if n, err := strconv.Atoi(s); err == nil {
		if n <= 0 || n > 4095 {
			return 0, fmt.Errorf("errno %d out of range", n)
		}
		return unix.Errno(n), nil
	}
	for n := 1; n < 4096; n++ {
		if unix.ErrnoName(unix.Errno(n)) == strings.ToUpper(s) {
			return unix.Errno(n), nil
		}
	}
	return 0, fmt.Errorf("unknown errno %q", s)
}

// parseRelease reads "major.minor" from a kernel release such as
// "6.1.0-28-amd64".
func parseRelease(rel string) (major, minor int, ok bool) {
	f := strings.SplitN(rel, ".", 3)
	if len(f) < 2 {
		return 0, 0, false
	}
	major, err1 := strconv.Atoi(f[0])
	end := strings.IndexFunc(f[1], func(r rune) bool { return r < '0' || r > '9' })
	if end >= 0 {
		f[1] = f[1][:end]
	}
	minor, err2 := strconv.Atoi(f[1])
	return major, minor, err1 == nil && err2 == nil
}
