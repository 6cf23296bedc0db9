package cgroups

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// Kmsg follows the kernel log from the moment it was opened: the records a
// run adds are the kernel's own account of OOM kills in it.
type Kmsg struct{ fd int }

// OpenKmsg opens /dev/kmsg positioned at its end. It needs root (or
// dmesg_restrict=0) and fails otherwise.
func OpenKmsg() (*Kmsg, error) {
	fd, err := unix.Open("/dev/kmsg", unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open /dev/kmsg: %w", err)
	}
	if _, err := unix.Seek(fd, 0, unix.SEEK_END); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("seek /dev/kmsg: %w", err)
	}
	return &Kmsg{fd: fd}, nil
}

// Messages returns the messages logged since the last call (or the open).
// Records overwritten before they were read (EPIPE) are skipped.
func (k *Kmsg) Messages() ([]string, error) {
	var out []string
	buf := make([]byte, 8192)
	for {
		n, err := unix.Read(k.fd, buf)
		switch {
		case errors.Is(err, unix.EAGAIN):
			return out, nil
		case errors.Is(err, unix.EPIPE), errors.Is(err, unix.EINTR):
			continue
		case err != nil:
			return out, fmt.Errorf("read /dev/kmsg: %w", err)
		case n == 0:
			return out, nil
		}
		if m := kmsgMessage(string(buf[:n])); m != "" {
			out = append(out, m)
		}
	}
}

// Close closes the log.
func (k *Kmsg) Close() error {
	if err := unix.Close(k.fd); err != nil {
		return fmt.Errorf("close /dev/kmsg: %w", err)
	}
	return nil
}
