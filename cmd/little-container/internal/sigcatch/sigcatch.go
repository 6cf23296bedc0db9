// Package sigcatch catches the signals a caller or a terminal sends, from
// the earliest moment user code runs: its init. It imports nothing but
// the standard library's signal plumbing, so Go initializes it before the
// heavier packages of the program (package initialization follows the
// import graph, lexical order among those ready): until a program calls
// signal.Notify, Go's default action for SIGQUIT is a goroutine dump on
// stderr. What arrives before any init runs, while the Go runtime itself
// starts (well under a millisecond), cannot be caught by a Go program.
package sigcatch

import (
	"os"
	"os/signal"
	"syscall"
)

// Signals receives SIGINT, SIGTERM, SIGHUP and SIGQUIT from the start of
// the process on.
var Signals = make(chan os.Signal, 32)

// initEnv is the runtime's marker of its re-executed container init
// (runtime.initEnv). The init ignores these signals instead, as early as
// here, and sets them back to the default just before it execs the
// command (runtime/signals_linux.go): the runtime queues its own copy.
const initEnv = "_LITTLE_CONTAINER_INIT"

var caught = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT}

func init() {
	if os.Getenv(initEnv) != "" {
		signal.Ignore(caught...)
		return
	}
	signal.Notify(Signals, caught...)
}
