package runtime

import (
	"fmt"

	"golang.org/x/sys/unix"

	"github.com/little-container/little-container/runtime/term"
)

// The container's terminal (--tty). The init opens the pty pair itself,
// after pivot_root, from the ptmx of the container's own devpts instance
// (/dev/pts, mounted newinstance by mountDev): the slave is a node of
// that instance, invisible to the host's /dev/pts and to every other
// container. The init keeps the slave for the command's stdio and hands the
// master to the runtime over the sync socket (SCM_RIGHTS); the runtime
// copies between it and its own stdio (tty_linux.go).

// console is the init's side of the container's pty.
type console struct {
	master, slave int
}

// openConsole opens a new pty pair in the container's devpts and gives the
// slave to uid:gid, mode 0620, as a login would. It refuses a ptmx that is
// not on a devpts file system.
func openConsole(uid, gid int) (*console, error) {
	// /dev/ptmx is a link to pts/ptmx; open the instance's own node.
	master, slave, err := term.OpenPTY("/dev/pts/ptmx")
	if err != nil {
		return nil, err
	}
	c := &console{master: master, slave: slave}
	var sfs unix.Statfs_t
	if err := unix.Fstatfs(master, &sfs); err != nil {
		c.close()
		return nil, fmt.Errorf("statfs /dev/pts/ptmx: %w", err)
	}
	if sfs.Type != unix.DEVPTS_SUPER_MAGIC {
		c.close()
		return nil, fmt.Errorf("/dev/pts/ptmx is not on a devpts file system (type %#x)", sfs.Type)
	}
	if err := unix.Fchown(c.slave, uid, gid); err != nil {
		c.close()
		return nil, fmt.Errorf("chown pty to %d:%d: %w", uid, gid, err)
	}
	if err := unix.Fchmod(c.slave, 0o620); err != nil {
		c.close()
		return nil, fmt.Errorf("chmod pty: %w", err)
	}
	return c, nil
}

func (c *console) close() {
	if c.master >= 0 {
		unix.Close(c.master)
	}
	if c.slave >= 0 {
		unix.Close(c.slave)
	}
}

// attach makes the slave the controlling terminal of the init's session
// (the runtime started the init with setsid) and its stdin, stdout and
// stderr. Raw system calls only: it runs after pids.max is written.
func (c *console) attach() error {
	if _, _, errno := unix.RawSyscall(unix.SYS_IOCTL, uintptr(c.slave), unix.TIOCSCTTY, 0); errno != 0 {
		return fmt.Errorf("make the pty the controlling terminal: %w", errno)
	}
	for fd := 0; fd < 3; fd++ {
		if _, _, errno := unix.RawSyscall(unix.SYS_DUP3, uintptr(c.slave), uintptr(fd), 0); errno != 0 {
			return fmt.Errorf("pty as descriptor %d: %w", fd, errno)
		}
	}
	return nil
}
