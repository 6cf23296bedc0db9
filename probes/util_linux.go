package probes

import (
	"errors"
	"fmt"
	"strings"

	"golang.org/x/sys/unix"
)

// Low-level helpers shared by the probes. Each one goes straight to the
// kernel through golang.org/x/sys/unix, so an observation is never answered
// from a cache or an environment variable instead of the syscall it names.

// StatNSID stats path (following the /proc/self/ns magic link) and returns
// the namespace it names as (dev, ino) of the nsfs file.
func StatNSID(path string) (NSID, error) {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return NSID{}, fmt.Errorf("stat %s: %w", path, err)
	}
	return NSID{Dev: uint64(st.Dev), Ino: uint64(st.Ino)}, nil // Dev is narrower on some arches
}

// String renders an NSID as "dev:ino" in decimal, the form probes report.
func (n NSID) String() string { return fmt.Sprintf("%d:%d", n.Dev, n.Ino) }

// ReadFileRaw reads a whole file with open/read/close. Files under /proc
// report size 0, so it reads until EOF rather than trusting stat.
func ReadFileRaw(path string) ([]byte, error) {
	return readRaw(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
}

// readRaw opens path with flags and reads until EOF, or until at least
// limit bytes when limit > 0.
func readRaw(path string, flags, limit int) ([]byte, error) {
	fd, err := openRetry(path, flags)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	defer unix.Close(fd)
	var out []byte
	buf := make([]byte, 64*1024)
	for limit <= 0 || len(out) < limit {
		n, err := unix.Read(fd, buf)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		if n == 0 {
			break
		}
		out = append(out, buf[:n]...)
	}
	return out, nil
}

// ReadTrimmed is ReadFileRaw with surrounding white space removed, for the
// one-value files in /proc and /sys.
func ReadTrimmed(path string) (string, error) {
	b, err := ReadFileRaw(path)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}

// ListDirRaw returns the names in a directory (without "." and "..") read
// with getdents, in the order the kernel gives them.
func ListDirRaw(path string) ([]string, error) {
	fd, err := openRetry(path, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	defer unix.Close(fd)
	var names []string
	buf := make([]byte, 32*1024)
	for {
		n, err := unix.Getdents(fd, buf)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("getdents %s: %w", path, err)
		}
		if n <= 0 {
			return names, nil
		}
		_, _, names = unix.ParseDirent(buf[:n], -1, names)
	}
}

// MkdirAll creates path and its missing parents with mkdir(2), like
// "mkdir -p". An existing directory at any level is not an error.
func MkdirAll(path string, mode uint32) error {
	if path == "" || path == "/" {
		return nil
	}
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err == nil {
		if st.Mode&unix.S_IFMT != unix.S_IFDIR {
			return fmt.Errorf("mkdir %s: %w", path, unix.ENOTDIR)
		}
		return nil
	}
	if i := strings.LastIndexByte(strings.TrimRight(path, "/"), '/'); i > 0 {
		if err := MkdirAll(path[:i], mode); err != nil {
			return err
		}
	}
	if err := unix.Mkdir(path, mode); err != nil && !errors.Is(err, unix.EEXIST) {
		return fmt.Errorf("mkdir %s: %w", path, err)
	}
	return nil
}

// ErrnoName returns the symbolic errno inside err ("ENOENT"), or "" if err
// carries none.
func ErrnoName(err error) string {
	var errno unix.Errno
	if errors.As(err, &errno) {
		return unix.ErrnoName(errno)
	}
	return ""
}

// Msgget is msgget(2), which x/sys/unix does not wrap. With flags 0 it only
// looks a queue up by key, creating nothing.
func Msgget(key, flags int) (int, error) {
	id, _, errno := unix.Syscall(unix.SYS_MSGGET, uintptr(int32(key)), uintptr(flags), 0)
	if errno != 0 {
		return -1, errno
	}
	return int(id), nil
}

func openRetry(path string, flags int) (int, error) {
	for {
		fd, err := unix.Open(path, flags, 0)
		if !errors.Is(err, unix.EINTR) {
			return fd, err
		}
	}
}
