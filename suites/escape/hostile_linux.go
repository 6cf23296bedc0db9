package escape

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/little-container/little-container/suites/fixtures"
)

// ApplyVariant replaces v.Entry in the rootfs by its symlink, making
// v.MakeDir first. The entry's old contents (the fixture's empty /proc, its
// /etc files) go: the variant is a rootfs of its own.
func ApplyVariant(rootfs string, v Variant) error {
	if v.MakeDir != "" {
		if err := os.MkdirAll(v.MakeDir, 0o755); err != nil {
			return fmt.Errorf("variant %s: %w", v, err)
		}
	}
	p := filepath.Join(rootfs, v.Entry)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("variant %s: %w", v, err)
	}
	if err := os.RemoveAll(p); err != nil {
		return fmt.Errorf("variant %s: %w", v, err)
	}
	if err := os.Symlink(v.Target, p); err != nil {
		return fmt.Errorf("variant %s: %w", v, err)
	}
	return nil
}

// Listing is every path below dir (relative, with "/" after directories
// and "@" after links), without following links: the sacrificial
// directory's state.
func Listing(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if rel == "." {
			return nil
		}
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			rel += "@"
		case d.IsDir():
			rel += "/"
		case d.Type()&(fs.ModeDevice|fs.ModeCharDevice) != 0:
			rel += " (device)"
		}
		out = append(out, rel)
		return nil
	})
	if err != nil {
		return out, fmt.Errorf("list %s: %w", dir, err)
	}
	return out, nil
}

// HostMountsOutside lists the host's mount points at or below any of dirs:
// a runtime's mount that reached the host's mount table there.
func HostMountsOutside(dirs ...string) ([]string, error) {
	var out []string
	for _, d := range dirs {
		f, err := os.Open("/proc/self/mountinfo")
		if err != nil {
			return nil, fmt.Errorf("host mountinfo: %w", err)
		}
		pts, err := fixtures.MountsUnder(f, d)
		f.Close()
		if err != nil {
			return nil, err
		}
		out = append(out, pts...)
	}
	return out, nil
}
