package runtime

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// readAccountFile reads a file of the container's /etc as untrusted input,
// after the root change: resolved inside the root without magic links
// (openInRoot), only a regular file, opened non-blocking (a FIFO there
// must not hang the start), at most maxAccountFile bytes. A missing file
// reads as empty.
func readAccountFile(name string) (string, error) {
	fd, err := openAccountFile(name)
	if errors.Is(err, unix.ENOENT) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	f := os.NewFile(uintptr(fd), name)
	defer f.Close()
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		return "", fmt.Errorf("%s is not a regular file", name)
	}
	b, err := io.ReadAll(io.LimitReader(f, maxAccountFile))
	if err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	return string(b), nil
}

// openAccountFile opens name for reading, resolved inside "/": in one
// openat2 call where the kernel has it; else through walkInRoot and a
// reopen of what it found by its /proc/self/fd name (without /proc, under
// the --share mnt weakening on an old kernel, the file reads as missing).
func openAccountFile(name string) (int, error) {
	root, err := unix.Open("/", unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, err
	}
	defer unix.Close(root)
	rel := strings.TrimLeft(name, "/")
	if haveOpenat2() {
		for {
			fd, err := unix.Openat2(root, rel, &unix.OpenHow{
				Flags:   unix.O_RDONLY | unix.O_NONBLOCK | unix.O_CLOEXEC,
				Resolve: unix.RESOLVE_IN_ROOT | unix.RESOLVE_NO_MAGICLINKS,
			})
			if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EINTR) {
				continue
			}
			return fd, err
		}
	}
	p, err := walkInRoot(root, rel)
	if err != nil {
		return -1, err
	}
	defer unix.Close(p)
	var st unix.Stat_t
	if err := unix.Fstat(p, &st); err != nil {
		return -1, err
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		return -1, fmt.Errorf("not a regular file")
	}
	return unix.Open(fdPath(p), unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
}

// lookupIdentity resolves the command's user inside the container (see
// resolveIdentity).
func lookupIdentity(cfg *initConfig) (identity, error) {
	id := identity{UID: cfg.UID, GID: cfg.GID}
	passwd, err := readAccountFile("/etc/passwd")
	if err != nil {
		return id, err
	}
	groups, err := readAccountFile("/etc/group")
	if err != nil {
		return id, err
	}
	return resolveIdentity(cfg.UserName, cfg.UID, cfg.GroupName, cfg.GID, passwd, groups)
}
