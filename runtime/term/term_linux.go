// Package term holds the two terminal operations the runtime, its tests,
// the surface suite and the VM's init share: opening a pty pair from a
// given ptmx, and cfmakeraw.
package term

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// OpenPTY opens a new pty pair from ptmx (the ptmx node of a devpts
// instance, e.g. /dev/pts/ptmx: /dev/ptmx is only a way there) and
// returns the master and the slave, both close-on-exec. The slave is
// opened through the master (TIOCGPTPEER, Linux 4.13+), with no path
// lookup anyone could redirect.
func OpenPTY(ptmx string) (master, slave int, err error) {
	master, err = unix.Open(ptmx, unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, -1, fmt.Errorf("open %s: %w", ptmx, err)
	}
	if err := unix.IoctlSetPointerInt(master, unix.TIOCSPTLCK, 0); err != nil {
		unix.Close(master)
		return -1, -1, fmt.Errorf("unlock pty: %w", err)
	}
	s, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(master), unix.TIOCGPTPEER, uintptr(unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC))
	if errno != 0 {
		unix.Close(master)
		return -1, -1, fmt.Errorf("open pty slave: %w", errno)
	}
	return master, int(s), nil
}

// MakeRaw is cfmakeraw(3): no line editing, echo, signals, newline
// translation or output processing; 8 bits, one byte at a time.
func MakeRaw(t *unix.Termios) {
	t.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
	t.Oflag &^= unix.OPOST
	t.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	t.Cflag &^= unix.CSIZE | unix.PARENB
	t.Cflag |= unix.CS8
	t.Cc[unix.VMIN] = 1
	t.Cc[unix.VTIME] = 0
}
