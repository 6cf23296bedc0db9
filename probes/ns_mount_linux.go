package probes

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/go-multierror"
	"golang.org/x/sys/unix"
)

// nsRecordMounts records mountinfo and host-root-mount-visible.
func nsRecordMounts(r *Report, fp *Fingerprints) {
	const path = "/proc/self/mountinfo"
	text, err := ReadFileRaw(path)
	var mounts []MountInfo
	if err == nil {
		mounts, err = ParseMountInfo(string(text))
	}
	if err != nil {
		RecordValue(r, "mountinfo", err, "", "")
	} else {
		points := make([]string, len(mounts))
		for i, m := range mounts {
			points[i] = m.MountPoint
		}
		RecordValue(r, "mountinfo", nil, strconv.Itoa(len(mounts)), strings.Join(points, " "))
	}

	switch {
	case fp.RootMount == "":
		r.Unsupported("host-root-mount-visible", "no host root mount given")
	case err != nil:
		r.Unsupported("host-root-mount-visible", path+" unreadable: "+err.Error())
	default:
		hits := FindWholeFilesystem(mounts, fp.RootMount)
		if len(hits) == 0 {
			RecordValue(r, "host-root-mount-visible",
				fmt.Errorf("no mount of device %s with root /", fp.RootMount), "", "")
			return
		}
		var points, detail []string
		for _, m := range hits {
			points = append(points, m.MountPoint)
			detail = append(detail, fmt.Sprintf("%s on %s (%s, root %s)", m.Source, m.MountPoint, m.FSType, m.Root))
		}
		RecordValue(r, "host-root-mount-visible", nil, strings.Join(points, " "), strings.Join(detail, "; "))
	}
}

// nsTmpfs is the probe's own mount, to undo after -hold.
type nsTmpfs struct {
	dir        string
	createdDir bool
}

// nsMountTmpfs records mount-tmpfs and returns the mount to undo, or nil.
func nsMountTmpfs(r *Report, fp *Fingerprints) *nsTmpfs {
	nonce := fp.Nonce
	if nonce == "" {
		var b [8]byte
		if _, err := unix.Getrandom(b[:], 0); err != nil {
			RecordValue(r, "mount-tmpfs", fmt.Errorf("getrandom: %w", err), "", "no nonce given")
			return nil
		}
		nonce = hex.EncodeToString(b[:])
	}
	if !SafeName(nonce) {
		r.Unsupported("mount-tmpfs", fmt.Sprintf("nonce %q is not a safe file name", nonce))
		return nil
	}
	dir, source := "/tmp/lc-mnt-"+nonce, "lc-probe-"+nonce
	detail := "source=" + source
	if r.Facts != nil {
		r.Facts["mount-source"] = source
	}

	var st unix.Stat_t
	created := unix.Lstat(dir, &st) != nil
	if err := MkdirAll(dir, 0o700); err != nil {
		RecordValue(r, "mount-tmpfs", err, dir, detail)
		return nil
	}
	err := unix.Mount(source, dir, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "size=64k,mode=0700")
	if err != nil {
		err = fmt.Errorf("mount tmpfs on %s: %w", dir, err)
		if created {
			if rerr := unix.Rmdir(dir); rerr != nil {
				detail += "; rmdir after failed mount: " + rerr.Error()
			}
		}
		RecordValue(r, "mount-tmpfs", err, dir, detail)
		return nil
	}
	RecordValue(r, "mount-tmpfs", nil, dir, detail)
	return &nsTmpfs{dir: dir, createdDir: created}
}

// nsUnmountTmpfs records unmount: lazy unmount and removal of the directory.
func nsUnmountTmpfs(r *Report, m *nsTmpfs) {
	if m == nil {
		r.Unsupported("unmount", "no tmpfs was mounted")
		return
	}
	var errs *multierror.Error
	if err := unix.Unmount(m.dir, unix.MNT_DETACH); err != nil {
		errs = multierror.Append(errs, fmt.Errorf("umount %s: %w", m.dir, err))
	}
	if m.createdDir {
		if err := unix.Rmdir(m.dir); err != nil && !errors.Is(err, unix.ENOENT) {
			errs = multierror.Append(errs, fmt.Errorf("rmdir %s: %w", m.dir, err))
		}
	}
	RecordValue(r, "unmount", errs.ErrorOrNil(), m.dir, "")
}

// SafeName reports whether s can be used as one path component the probe
// creates: non-empty, at most 64 bytes of [A-Za-z0-9._-], not "." or "..".
func SafeName(s string) bool {
	if s == "" || len(s) > 64 || s == "." || s == ".." {
		return false
	}
	for _, c := range []byte(s) {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-'
		if !ok {
			return false
		}
	}
	return true
}
