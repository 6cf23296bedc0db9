package vm

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// HostBusybox is where Debian's busybox-static installs its binary.
const HostBusybox = "/bin/busybox"

// BusyboxFiles returns /bin/busybox from host plus a /bin symlink per applet,
// so a plain `sh -c ...` works in the guest. host must be a static binary
// (busybox-static); a dynamic one would find no libc in the initramfs.
func BusyboxFiles(ctx context.Context, host string) ([]File, error) {
	if _, err := os.Stat(host); err != nil {
		return nil, fmt.Errorf("vm: busybox: %w", err)
	}
	out, err := exec.CommandContext(ctx, host, "--list").Output()
	if err != nil {
		return nil, fmt.Errorf("vm: %s --list: %w", host, err)
	}
	files := []File{{Path: "/bin/busybox", Host: host}}
	for _, name := range strings.Fields(string(out)) {
		if name == "busybox" || strings.Contains(name, "/") {
			continue
		}
		files = append(files, File{Path: "/bin/" + name, Symlink: "busybox"})
	}
	return files, nil
}
