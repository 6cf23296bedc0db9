package runtime

import (
	"errors"
	"fmt"
)

// Exit codes that the runtime itself answers with, as runc, crun and podman do.
const (
	ExitRuntimeError   = 125 // the runtime failed before the command ran
	ExitCannotExecute  = 126 // the command exists but cannot be executed
	ExitCommandMissing = 127 // the command was not found in the rootfs
)

// ErrCommandNotFound and ErrNotExecutable let callers tell why a command
// never started with errors.Is.
var (
	ErrCommandNotFound = errors.New("command not found")
	ErrNotExecutable   = errors.New("command cannot be executed")
)

// StartError is a failure inside the container before the command ran,
// reported back by the init; Code is the exit status a CLI should use.
type StartError struct {
	Step string // what the init was doing, e.g. "pivot_root"
	Msg  string
	Code int
}

func (e *StartError) Error() string { return fmt.Sprintf("%s: %s", e.Step, e.Msg) }

// Unwrap maps the code to the sentinel errors.
func (e *StartError) Unwrap() error {
	switch e.Code {
	case ExitCommandMissing:
		return ErrCommandNotFound
	case ExitCannotExecute:
		return ErrNotExecutable
	}
	return nil
}

// ExitCode is the status a CLI should exit with for err returned by Run.
func ExitCode(err error) int {
	var se *StartError
	if errors.As(err, &se) && se.Code != 0 {
		return se.Code
	}
	return ExitRuntimeError
}
