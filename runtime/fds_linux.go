package runtime

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// checkPassedFDs makes sure descriptors 3 .. 3+n-1 are ones the caller
// passed: open and not close-on-exec. Everything the runtime opens itself
// is close-on-exec (Go opens every file so, the Go runtime's own cgroup
// file included), so a descriptor that is close-on-exec, or not open, was
// not handed over by the caller and must not reach the container. This is
// stricter than runc, which passes whatever sits at those numbers; asking
// for more than was passed is an error, never clamped.
func checkPassedFDs(n int) error {
	for fd := 3; fd < 3+n; fd++ {
		flags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0)
		why := ""
		switch {
		case err != nil:
			why = "is not open"
		case flags&unix.FD_CLOEXEC != 0:
			why = "is the runtime's own (close-on-exec), not one the caller passed"
		}
		if why != "" {
			passed := "no descriptor was passed"
			switch fd - 3 {
			case 0:
			case 1:
				passed = "only 1 descriptor was passed (fd 3)"
			default:
				passed = fmt.Sprintf("only %d descriptors were passed (fds 3 to %d)", fd-3, fd-1)
			}
			return fmt.Errorf("%w: preserve-fds %d: %s; fd %d %s", ErrInvalidSpec, n, passed, fd, why)
		}
	}
	return nil
}
