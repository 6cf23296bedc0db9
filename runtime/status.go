package runtime

import (
	"fmt"
	"syscall"
)

// Status is how the container's command ended.
type Status struct {
	Code   int            // exit code when it exited
	Signal syscall.Signal // the signal that killed it, 0 otherwise
}

// ExitCode folds the status into a shell-style exit code: 128+N when killed
// by signal N.
func (s Status) ExitCode() int {
	if s.Signal != 0 {
		return 128 + int(s.Signal)
	}
	return s.Code
}

func (s Status) String() string {
	if s.Signal != 0 {
		return fmt.Sprintf("killed by signal %d (%s)", int(s.Signal), s.Signal)
	}
	return fmt.Sprintf("exited %d", s.Code)
}

func statusOf(ws syscall.WaitStatus) Status {
	if ws.Signaled() {
		return Status{Signal: ws.Signal()}
	}
	return Status{Code: ws.ExitStatus()}
}
