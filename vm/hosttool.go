package vm

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// HostTool puts a host program into the initramfs at guest, with the shared
// libraries and the dynamic loader it needs at the paths ldd names, so a
// suite that runs the host's tool (util-linux losetup, whose options
// busybox's applet lacks) finds the same tool in the guest. A static
// program comes alone.
func HostTool(ctx context.Context, host, guest string) ([]File, error) {
	if _, err := os.Stat(host); err != nil {
		return nil, fmt.Errorf("vm: host tool: %w", err)
	}
	files := []File{{Path: guest, Host: host, Mode: 0o755}}
	out, err := exec.CommandContext(ctx, "ldd", host).CombinedOutput()
	if err != nil {
		if strings.Contains(string(out), "not a dynamic executable") {
			return files, nil
		}
		return nil, fmt.Errorf("vm: ldd %s: %v: %s", host, err, strings.TrimSpace(string(out)))
	}
	libs, err := parseLdd(string(out))
	if err != nil {
		return nil, fmt.Errorf("vm: ldd %s: %w", host, err)
	}
	for _, l := range libs {
		files = append(files, File{Path: l, Host: l, Mode: 0o755})
	}
	return files, nil
}

// parseLdd returns the library paths of ldd's output ("libc.so.6 =>
// /lib/.../libc.so.6 (0x...)", "/lib64/ld-linux-x86-64.so.2 (0x...)"),
// skipping the vDSO, which has no file. A library not found is an error.
func parseLdd(out string) ([]string, error) {
	var libs []string
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if strings.Contains(line, "=> not found") {
			return nil, fmt.Errorf("%s", line)
		}
		if _, after, ok := strings.Cut(line, "=> "); ok {
			line = after
		}
		p, _, _ := strings.Cut(line, " ")
		if strings.HasPrefix(p, "/") {
			libs = append(libs, p)
		}
	}
	return libs, nil
}
