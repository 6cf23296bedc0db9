package runtime

import (
	"os"
	"strconv"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// forwardedSignals are the signals a caller typically passes on (and a
// terminal sends to the whole foreground process group, the container's
// init included).
var forwardedSignals = []syscall.Signal{unix.SIGINT, unix.SIGTERM, unix.SIGHUP, unix.SIGQUIT}

// sigaction is the kernel's struct sigaction on amd64 and arm64.
type sigaction struct {
	handler  uintptr
	flags    uint64
	restorer uintptr
	mask     uint64
}

const (
	sigDFL = 0
	sigIGN = 1
)

// setDisposition sets a signal's disposition with rt_sigaction directly.
// The init uses it for forwardedSignals: ignored during set-up, so that a
// Ctrl-C or Ctrl-\ of the terminal neither ends the set-up half-way nor
// makes the Go runtime print a goroutine dump (the runtime queues its own
// copy of the signal and delivers it to the command); back to the default
// just before execve, which keeps ignored signals ignored but resets
// caught ones. The Go runtime is not told: it never handles these signals
// in the init, which does not call signal.Notify.
func setDisposition(sig syscall.Signal, handler uintptr) error {
	act := sigaction{handler: handler}
	_, _, errno := unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig), uintptr(unsafe.Pointer(&act)), 0, 8, 0, 0)
	if errno != 0 {
		return errno
	}
	return nil
}

// handles reports whether process pid has a handler for sig.
func handles(pid int, sig syscall.Signal) (bool, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return false, err
	}
	caught, err := caughtMask(string(b))
	return caught&sigBit(sig) != 0, err
}
