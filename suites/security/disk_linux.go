package security

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/hashicorp/go-multierror"
	"golang.org/x/sys/unix"
)

// diskMarker is what the stand-in disk starts with, so a read from inside
// proves the bytes came from the host's device.
const diskMarker = "lc-host-disk-marker"

// HostDisk returns a block device of the host ("major:minor") that the host
// itself can read, for the mknod-and-read technique: the root filesystem's
// device when the host may read it, otherwise a loop device over a small
// file made for the check (a sandbox may deny even root its real disk).
// The cleanup detaches the loop device and removes the file. An error says
// why no device could be had: the check then skips with it.
func HostDisk(ctx context.Context, rootMount string) (majMin string, cleanup func() error, err error) {
	none := func() error { return nil }
	rootErr := HostReadsBlock(rootMount)
	if rootErr == nil {
		return rootMount, none, nil
	}
	dir, err := os.MkdirTemp("", "lc-disk-")
	if err != nil {
		return "", nil, err
	}
	img := filepath.Join(dir, "disk.img")
	data := make([]byte, 64<<10)
	copy(data, diskMarker)
	if err := os.WriteFile(img, data, 0o600); err != nil {
		os.RemoveAll(dir)
		return "", nil, err
	}
	out, err := exec.CommandContext(ctx, "losetup", "--find", "--show", "--read-only", img).CombinedOutput()
	if err != nil {
		os.RemoveAll(dir)
		return "", nil, fmt.Errorf("root device: %v; no loop device either: losetup: %v: %s", rootErr, err, strings.TrimSpace(string(out)))
	}
	node := strings.TrimSpace(string(out))
	cleanup = func() error {
		var errs *multierror.Error
		if out, err := exec.Command("losetup", "--detach", node).CombinedOutput(); err != nil {
			errs = multierror.Append(errs, fmt.Errorf("losetup --detach %s: %v: %s", node, err, out))
		}
		if err := os.RemoveAll(dir); err != nil {
			errs = multierror.Append(errs, err)
		}
		return errs.ErrorOrNil()
	}
	var st unix.Stat_t
	if err := unix.Stat(node, &st); err != nil {
		return "", nil, fmt.Errorf("stat %s: %w (cleanup: %v)", node, err, cleanup())
	}
	majMin = fmt.Sprintf("%d:%d", unix.Major(uint64(st.Rdev)), unix.Minor(uint64(st.Rdev)))
	if err := HostReadsBlock(majMin); err != nil {
		return "", nil, fmt.Errorf("root device: %v; loop device: %v (cleanup: %v)", rootErr, err, cleanup())
	}
	return majMin, cleanup, nil
}
