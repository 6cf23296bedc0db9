package runtime

import (
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// readAccountFile reads a file of the container's /etc as untrusted input,
// after the root change: resolved inside the root without magic links
// (openInRoot), only a regular file, opened non-blocking (a FIFO there
// must not hang the start), at most maxAccountFile bytes. A missing file
// reads as empty.
func readAccountFile(name string) (string, error) {
	root, err := unix.Open("/", unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return "", err
	}
	defer unix.Close(root)
	p, err := openInRoot(root, name)
	if errors.Is(err, unix.ENOENT) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	defer unix.Close(p)
	var st unix.Stat_t
	if err := unix.Fstat(p, &st); err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		return "", fmt.Errorf("%s is not a regular file", name)
	}
	fd, err := unix.Open(fdPath(p), unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	f := os.NewFile(uintptr(fd), name)
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxAccountFile))
	if err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	return string(b), nil
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
