package runtime

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sys/unix"
)

// Paths inside a rootfs are resolved as if the rootfs were "/": an absolute
// symlink or a ".." stops at the rootfs, so a hostile rootfs (proc -> /,
// dev -> ../../etc) cannot make the runtime create or mount anything on the
// host. Where the kernel has openat2 (Linux 5.6+), RESOLVE_IN_ROOT does the
// walk in one call; elsewhere walkInRoot does the same walk one component at
// a time with O_NOFOLLOW, reading each symlink and resolving it against the
// root by hand (the approach of cyphar/filepath-securejoin). Either way the
// result is a descriptor: mounts go onto /proc/self/fd/N, so a link swapped
// in after the check cannot redirect them.

// maxSymlinks bounds symlink expansion in walkInRoot, as the kernel's
// MAXSYMLINKS does for ordinary lookups.
const maxSymlinks = 40

var (
	openat2Once sync.Once
	openat2OK   bool
	// useWalk forces the openat2-free walk, so tests exercise the fallback
	// on kernels that have openat2.
	useWalk bool
)

// haveOpenat2 reports whether the kernel offers openat2 (it may also be
// refused by a seccomp filter of an outer container: ENOSYS or EPERM).
func haveOpenat2() bool {
	openat2Once.Do(func() {
		fd, err := unix.Openat2(unix.AT_FDCWD, "/", &unix.OpenHow{Flags: unix.O_PATH | unix.O_CLOEXEC})
		if err == nil {
			unix.Close(fd)
			openat2OK = true
		}
	})
	return openat2OK && !useWalk
}

// openInRoot resolves p (taken as relative to root, whatever its leading
// slashes) inside the directory root and returns an O_PATH descriptor of
// what it names. Symlinks, the last component's included, are followed
// inside root.
func openInRoot(root int, p string) (int, error) {
	p = strings.TrimLeft(filepath.Clean("/"+p), "/")
	if p == "" {
		p = "."
	}
	if haveOpenat2() {
		for {
			fd, err := unix.Openat2(root, p, &unix.OpenHow{
				Flags:   unix.O_PATH | unix.O_CLOEXEC,
				Resolve: unix.RESOLVE_IN_ROOT | unix.RESOLVE_NO_MAGICLINKS,
			})
			// EAGAIN: a rename raced the walk; the kernel asks to retry.
			if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EINTR) {
				continue
			}
			return fd, err
		}
	}
	return walkInRoot(root, p)
}

// walkInRoot is openInRoot without openat2. It keeps the descriptors of the
// directories from root down to the current one, so ".." pops one (and
// stays at root), an absolute link restarts at root, and no lookup ever
// starts from a path string outside it.
func walkInRoot(root int, p string) (int, error) {
	first, err := unix.Openat(root, ".", unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, err
	}
	stack := []int{first}
	closeAll := func() {
		for _, fd := range stack {
			unix.Close(fd)
		}
	}
	rest := strings.Split(p, "/")
	links := 0
	for len(rest) > 0 {
		comp := rest[0]
		rest = rest[1:]
		switch comp {
		case "", ".":
			continue
		case "..":
			if len(stack) > 1 {
				unix.Close(stack[len(stack)-1])
				stack = stack[:len(stack)-1]
			}
			continue
		}
		fd, err := unix.Openat(stack[len(stack)-1], comp, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if err != nil {
			closeAll()
			return -1, err
		}
		var st unix.Stat_t
		if err := unix.Fstat(fd, &st); err != nil {
			unix.Close(fd)
			closeAll()
			return -1, err
		}
		switch st.Mode & unix.S_IFMT {
		case unix.S_IFLNK:
			target, err := readlinkFD(fd)
			unix.Close(fd)
			if err != nil {
				closeAll()
				return -1, err
			}
			if links++; links > maxSymlinks {
				closeAll()
				return -1, unix.ELOOP
			}
			if strings.HasPrefix(target, "/") {
				for _, d := range stack[1:] {
					unix.Close(d)
				}
				stack = stack[:1]
			}
			rest = append(strings.Split(target, "/"), rest...)
			continue
		case unix.S_IFDIR:
		default:
			if strings.Join(rest, "") != "" { // "file/x", "file/." and "file/..": ENOTDIR, as the kernel says
				unix.Close(fd)
				closeAll()
				return -1, unix.ENOTDIR
			}
		}
		stack = append(stack, fd)
	}
	top := stack[len(stack)-1]
	for _, fd := range stack[:len(stack)-1] {
		unix.Close(fd)
	}
	return top, nil
}

// readlinkFD reads the target of the symlink an O_PATH|O_NOFOLLOW
// descriptor holds (readlinkat with an empty path, Linux 2.6.39+).
func readlinkFD(fd int) (string, error) {
	for size := 256; ; size *= 2 {
		buf := make([]byte, size)
		n, err := unix.Readlinkat(fd, "", buf)
		if err != nil {
			return "", err
		}
		if n < size {
			return string(buf[:n]), nil
		}
	}
}

// fdPath is the name through which a descriptor can be a mount target or
// source: the kernel follows the magic link to exactly the object the
// descriptor holds.
func fdPath(fd int) string { return "/proc/self/fd/" + strconv.Itoa(fd) }

// rootDir is the container's rootfs during set-up: its trusted host path,
// for messages, and a descriptor that every lookup inside starts from.
type rootDir struct {
	path string
	fd   int
	// follow is the --unsafe-follow-rootfs-links weakening: names are
	// joined to the host path and links are followed on the host, as the
	// seed runtime (and this one before) did.
	follow bool
}

// openRootDir opens the rootfs directory, which the parent has already
// turned into an absolute, link-free host path.
func openRootDir(path string, follow bool) (*rootDir, error) {
	fd, err := unix.Open(path, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return &rootDir{path: path, fd: fd, follow: follow}, nil
}

func (r *rootDir) close() { unix.Close(r.fd) }

// open resolves rel inside the root (see openInRoot).
func (r *rootDir) open(rel string) (int, error) {
	if r.follow {
		return unix.Open(filepath.Join(r.path, rel), unix.O_PATH|unix.O_CLOEXEC, 0)
	}
	return openInRoot(r.fd, rel)
}

// mkdirAll creates rel and its missing parents inside the root and returns
// an O_PATH descriptor of the directory. Every directory is made with
// mkdirat in a parent that was itself resolved inside the root, so links
// met on the way lead somewhere inside it, never out.
func (r *rootDir) mkdirAll(rel string, mode uint32) (int, error) {
	if r.follow {
		p := filepath.Join(r.path, rel)
		if err := os.MkdirAll(p, os.FileMode(mode)); err != nil {
			return -1, err
		}
		return unix.Open(p, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	}
	return r.create(rel, func(parent int, name string) error { return unix.Mkdirat(parent, name, mode) })
}

// mkfile makes sure rel exists inside the root, creating an empty file (and
// missing parent directories) when it does not: the mount point of a file
// volume. It returns an O_PATH descriptor of what rel names.
func (r *rootDir) mkfile(rel string, mode uint32) (int, error) {
	mkfile := func(parent int, name string) error {
		fd, err := unix.Openat(parent, name, unix.O_CREAT|unix.O_EXCL|unix.O_WRONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, mode)
		if err == nil {
			unix.Close(fd)
		}
		return err
	}
	if r.follow {
		p := filepath.Join(r.path, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return -1, err
		}
		if err := mkfile(unix.AT_FDCWD, p); err != nil && !errors.Is(err, unix.EEXIST) {
			return -1, err
		}
		return unix.Open(p, unix.O_PATH|unix.O_CLOEXEC, 0)
	}
	return r.create(rel, mkfile)
}

// create resolves rel inside the root, making what is missing: directories
// for every component but the last, mkLast for the last one. It re-resolves
// after each creation, so a component is always looked up from the root.
func (r *rootDir) create(rel string, mkLast func(parent int, name string) error) (int, error) {
	rel = strings.TrimLeft(filepath.Clean("/"+rel), "/")
	if rel == "" {
		return openInRoot(r.fd, ".")
	}
	comps := strings.Split(rel, "/")
	for i := range comps {
		prefix := strings.Join(comps[:i+1], "/")
		last := i == len(comps)-1
		for attempt := 0; ; attempt++ {
			fd, err := openInRoot(r.fd, prefix)
			if err == nil {
				if last {
					return fd, nil
				}
				unix.Close(fd)
				break
			}
			if errors.Is(err, unix.ENOENT) && attempt > 0 {
				return -1, &UnsafeRootfsError{Path: "/" + prefix, Why: "is a dangling symlink; it must resolve inside the rootfs"}
			}
			if !errors.Is(err, unix.ENOENT) {
				return -1, fmt.Errorf("/%s: %w", prefix, err)
			}
			parent, err := openInRoot(r.fd, strings.Join(comps[:i], "/"))
			if err != nil {
				return -1, fmt.Errorf("/%s: %w", strings.Join(comps[:i], "/"), err)
			}
			mk := mkLast
			if !last {
				mk = func(p int, n string) error { return unix.Mkdirat(p, n, 0o755) }
			}
			err = mk(parent, comps[i])
			unix.Close(parent)
			// EEXIST: a dangling symlink sits there (its target is
			// missing); the retry's lookup then reports ENOENT.
			if err != nil && !errors.Is(err, unix.EEXIST) {
				return -1, fmt.Errorf("create /%s: %w", prefix, err)
			}
		}
	}
	return -1, unix.ENOENT // not reached: the last component returns
}

// realDir returns a descriptor of the directory rel directly below the
// root, creating it when absent. It refuses a symlink or anything but a
// directory there: the runtime mounts its own file systems (proc, sysfs,
// the /dev tmpfs) on these, and a mount through a link is how a hostile
// rootfs switched off /proc masking (crun refuses the same way).
func (r *rootDir) realDir(rel string, mode uint32) (int, error) {
	if r.follow {
		return r.mkdirAll(rel, mode)
	}
	name := strings.Trim(filepath.Clean("/"+rel), "/")
	if strings.Contains(name, "/") || name == "" {
		return -1, fmt.Errorf("realDir %q: not a name directly below the root", rel)
	}
	var st unix.Stat_t
	err := unix.Fstatat(r.fd, name, &st, unix.AT_SYMLINK_NOFOLLOW)
	switch {
	case errors.Is(err, unix.ENOENT):
		if err := unix.Mkdirat(r.fd, name, mode); err != nil && !errors.Is(err, unix.EEXIST) {
			return -1, fmt.Errorf("mkdir /%s: %w", name, err)
		}
	case err != nil:
		return -1, fmt.Errorf("stat /%s: %w", name, err)
	case st.Mode&unix.S_IFMT == unix.S_IFLNK:
		target, _ := readlinkAt(r.fd, name)
		return -1, &UnsafeRootfsError{Path: "/" + name, Why: fmt.Sprintf("is a symlink (to %s); it must be a real directory", target)}
	case st.Mode&unix.S_IFMT != unix.S_IFDIR:
		return -1, &UnsafeRootfsError{Path: "/" + name, Why: "is not a directory"}
	}
	fd, err := unix.Openat(r.fd, name, unix.O_PATH|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		// Swapped for a link between the check and the open.
		return -1, &UnsafeRootfsError{Path: "/" + name, Why: "changed while being opened: " + err.Error()}
	}
	return fd, nil
}

func readlinkAt(dir int, name string) (string, error) {
	buf := make([]byte, 4096)
	n, err := unix.Readlinkat(dir, name, buf)
	if err != nil {
		return "", err
	}
	return string(buf[:n]), nil
}

// UnsafeRootfsError is a rootfs the runtime refuses because it cannot set
// it up without following a link out of it or mounting over something it
// does not expect.
type UnsafeRootfsError struct {
	Path string // inside the rootfs
	Why  string
}

func (e *UnsafeRootfsError) Error() string { return e.Path + " " + e.Why }
