package main

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"golang.org/x/sys/unix"
)

// newRoot is where the initramfs contents are copied before the switch.
const newRoot = "/.root"

// switchRoot copies the initramfs onto a fresh tmpfs, deletes the originals
// to free their memory, makes the tmpfs the root (mount move + chroot, as
// busybox switch_root does) and re-executes /init there. The initramfs root
// is the kernel's rootfs, which pivot_root(2) refuses; a container runtime
// tested inside the guest needs a root that is an ordinary mount.
func switchRoot() error {
	if err := os.MkdirAll(newRoot, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", newRoot, err)
	}
	if err := unix.Mount("tmpfs", newRoot, "tmpfs", 0, "mode=0755"); err != nil {
		return fmt.Errorf("mount tmpfs on %s: %w", newRoot, err)
	}
	if err := copyTree("/", newRoot); err != nil {
		return err
	}
	if err := removeOld("/"); err != nil {
		return err
	}
	if err := unix.Chdir(newRoot); err != nil {
		return fmt.Errorf("chdir %s: %w", newRoot, err)
	}
	if err := unix.Mount(".", "/", "", unix.MS_MOVE, ""); err != nil {
		return fmt.Errorf("move %s to /: %w", newRoot, err)
	}
	if err := unix.Chroot("."); err != nil {
		return fmt.Errorf("chroot: %w", err)
	}
	if err := unix.Chdir("/"); err != nil {
		return fmt.Errorf("chdir /: %w", err)
	}
	env := append(os.Environ(), stageEnv+"=2")
	if err := unix.Exec("/init", os.Args, env); err != nil {
		return fmt.Errorf("exec /init on the new root: %w", err)
	}
	return nil
}

// copyTree copies regular files, directories, symlinks and device nodes.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("walk %s: %w", p, err)
		}
		if p == newRoot {
			return filepath.SkipDir
		}
		info, err := d.Info()
		if err != nil {
			return fmt.Errorf("stat %s: %w", p, err)
		}
		target := filepath.Join(dst, p)
		st := info.Sys().(*syscall.Stat_t)
		switch m := info.Mode(); {
		case m.IsDir():
			if p == src {
				return os.Chmod(dst, m.Perm())
			}
			if err := os.Mkdir(target, m.Perm()); err != nil {
				return fmt.Errorf("mkdir %s: %w", target, err)
			}
		case m&fs.ModeSymlink != 0:
			link, err := os.Readlink(p)
			if err != nil {
				return fmt.Errorf("readlink %s: %w", p, err)
			}
			if err := os.Symlink(link, target); err != nil {
				return fmt.Errorf("symlink %s: %w", target, err)
			}
			return nil
		case m&fs.ModeDevice != 0:
			if err := unix.Mknod(target, st.Mode, int(st.Rdev)); err != nil {
				return fmt.Errorf("mknod %s: %w", target, err)
			}
		case m.IsRegular():
			if err := copyFile(p, target, m.Perm()); err != nil {
				return err
			}
		default:
			return nil
		}
		if err := os.Lchown(target, int(st.Uid), int(st.Gid)); err != nil {
			return fmt.Errorf("chown %s: %w", target, err)
		}
		return os.Chmod(target, info.Mode().Perm()|info.Mode()&(fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky))
	})
}

func copyFile(src, dst string, perm fs.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("open %s: %w", src, err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return fmt.Errorf("create %s: %w", dst, err)
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("copy %s: %w", src, err)
	}
	if err := out.Close(); err != nil {
		return fmt.Errorf("close %s: %w", dst, err)
	}
	return nil
}

// removeOld deletes the initramfs contents except the new root.
func removeOld(root string) error {
	entries, err := os.ReadDir(root)
	if err != nil {
		return fmt.Errorf("read %s: %w", root, err)
	}
	for _, e := range entries {
		p := filepath.Join(root, e.Name())
		if p == newRoot {
			continue
		}
		if err := os.RemoveAll(p); err != nil {
			return fmt.Errorf("remove %s: %w", p, err)
		}
	}
	return nil
}
