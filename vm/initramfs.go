package vm

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"os"
	"path"
	"sort"
	"strings"

	"github.com/hashicorp/go-multierror"
)

// File is one member of an initramfs. Exactly one source applies: Host (a file
// on the host, read when the archive is written), Data, Symlink, or a device
// node (CharDev). With none of them and Dir set, it is a directory.
type File struct {
	Path    string // absolute guest path, e.g. /bin/probe
	Host    string // host file to copy
	Data    []byte // literal content
	Symlink string // symlink target
	Dir     bool
	CharDev bool
	Major   uint32
	Minor   uint32
	Mode    os.FileMode // permission bits; 0 means 0755 for Host files and dirs, 0644 for Data
}

// DefaultDevices are the nodes the kernel needs before devtmpfs is mounted:
// /dev/console for /init's stdio and /dev/null.
func DefaultDevices() []File {
	return []File{
		{Path: "/dev", Dir: true},
		{Path: "/dev/console", CharDev: true, Major: 5, Minor: 1, Mode: 0o600},
		{Path: "/dev/null", CharDev: true, Major: 1, Minor: 3, Mode: 0o666},
	}
}

// BuildInitramfs writes a newc cpio archive to out, gzip-compressed when out
// ends in .gz. DefaultDevices are always included; parent directories are
// created implicitly. Later entries for the same path replace earlier ones.
func BuildInitramfs(out string, files []File) (err error) {
	entries, err := planInitramfs(append(DefaultDevices(), files...))
	if err != nil {
		return err
	}
	f, err := os.Create(out)
	if err != nil {
		return fmt.Errorf("vm: create initramfs: %w", err)
	}
	defer func() {
		if cerr := f.Close(); cerr != nil {
			err = multierror.Append(err, fmt.Errorf("vm: close %s: %w", out, cerr)).ErrorOrNil()
		}
		if err != nil {
			_ = os.Remove(out)
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<20)
	var gz *gzip.Writer
	cw := &cpioWriter{w: bw}
	if strings.HasSuffix(out, ".gz") {
		gz, err = gzip.NewWriterLevel(bw, gzip.BestSpeed)
		if err != nil {
			return fmt.Errorf("vm: gzip: %w", err)
		}
		cw.w = gz
	}
	for _, e := range entries {
		if e.Host != "" {
			data, err := os.ReadFile(e.Host)
			if err != nil {
				return fmt.Errorf("vm: initramfs %s: %w", e.Path, err)
			}
			e.entry.Data = data
		}
		if err := cw.writeEntry(e.entry); err != nil {
			return err
		}
	}
	if err := cw.close(); err != nil {
		return err
	}
	if gz != nil {
		if err := gz.Close(); err != nil {
			return fmt.Errorf("vm: gzip %s: %w", out, err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("vm: write %s: %w", out, err)
	}
	return nil
}

type plannedEntry struct {
	entry cpioEntry
	Path  string
	Host  string
}

// planInitramfs turns files into ordered cpio entries, parents before
// children, with missing parent directories added.
func planInitramfs(files []File) ([]plannedEntry, error) {
	byPath := map[string]plannedEntry{}
	for _, f := range files {
		p := path.Clean(f.Path)
		if !path.IsAbs(p) || p == "/" {
			return nil, fmt.Errorf("vm: initramfs path %q must be absolute and not /", f.Path)
		}
		e, err := fileEntry(f, p)
		if err != nil {
			return nil, err
		}
		byPath[p] = e
		for d := path.Dir(p); d != "/"; d = path.Dir(d) {
			if _, ok := byPath[d]; !ok {
				byPath[d] = plannedEntry{Path: d, entry: cpioEntry{Name: d[1:], Mode: sIFDIR | 0o755}}
			}
		}
	}
	out := make([]plannedEntry, 0, len(byPath))
	for _, e := range byPath {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

func fileEntry(f File, p string) (plannedEntry, error) {
	perm := uint32(f.Mode.Perm())
	e := plannedEntry{Path: p, entry: cpioEntry{Name: p[1:]}}
	sources := 0
	for _, set := range []bool{f.Host != "", f.Data != nil, f.Symlink != "", f.Dir, f.CharDev} {
		if set {
			sources++
		}
	}
	if sources != 1 {
		return e, fmt.Errorf("vm: initramfs %s: want exactly one of Host, Data, Symlink, Dir, CharDev", p)
	}
	switch {
	case f.Host != "":
		if perm == 0 {
			perm = 0o755
		}
		e.Host = f.Host
		e.entry.Mode = sIFREG | perm
	case f.Data != nil:
		if perm == 0 {
			perm = 0o644
		}
		e.entry.Mode = sIFREG | perm
		e.entry.Data = f.Data
	case f.Symlink != "":
		e.entry.Mode = sIFLNK | 0o777
		e.entry.Data = []byte(f.Symlink)
	case f.Dir:
		if perm == 0 {
			perm = 0o755
		}
		e.entry.Mode = sIFDIR | perm
	case f.CharDev:
		e.entry.Mode = sIFCHR | perm
		e.entry.Major, e.entry.Minor = f.Major, f.Minor
	}
	return e, nil
}
