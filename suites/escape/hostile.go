package escape

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/little-container/little-container/probes"
)

// Hostile rootfs variants (issue: a rootfs whose /proc, /sys, /dev, ...
// are symlinks). Each points only into a sacrificial host directory made
// for the check, or into the rootfs itself — never at a real host path.

// Link kinds.
const (
	LinkAbsolute = "absolute" // /<sac>/<entry>
	LinkRelative = "relative" // ../<sac>/<entry>, enough ".." to leave the rootfs on the host
	LinkOwnPath  = "own-path" // the rootfs's own host path of a directory inside it
	LinkDangling = "dangling" // /<sac>/missing-<entry>, which does not exist
)

// LinkKinds are tried for every entry.
var LinkKinds = []string{LinkAbsolute, LinkRelative, LinkOwnPath, LinkDangling}

// Variant is one hostile rootfs: Entry (relative to the rootfs) replaced by
// a symlink to Target; MakeDir, when set, is a directory made first (in the
// sacrificial directory, or inside the rootfs for LinkOwnPath).
type Variant struct {
	Entry, Kind string
	Target      string
	MakeDir     string
}

func (v Variant) String() string { return v.Entry + " -> " + v.Target + " (" + v.Kind + ")" }

// PlanVariant computes the link for entry of kind, for a rootfs and a
// sacrificial directory given by their host paths.
func PlanVariant(entry, kind, rootfs, sac string) (Variant, error) {
	flat := strings.ReplaceAll(entry, "/", "-")
	v := Variant{Entry: entry, Kind: kind}
	switch kind {
	case LinkAbsolute:
		v.MakeDir = filepath.Join(sac, flat)
		v.Target = v.MakeDir
	case LinkRelative:
		v.MakeDir = filepath.Join(sac, flat)
		rel, err := filepath.Rel(filepath.Dir(filepath.Join(rootfs, entry)), v.MakeDir)
		if err != nil {
			return v, fmt.Errorf("relative link for %s: %w", entry, err)
		}
		v.Target = rel
	case LinkOwnPath:
		v.MakeDir = filepath.Join(rootfs, "lc-own-"+flat)
		v.Target = v.MakeDir
	case LinkDangling:
		v.Target = filepath.Join(sac, "missing-"+flat)
	default:
		return v, fmt.Errorf("unknown link kind %q", kind)
	}
	return v, nil
}

// Changed lists what differs between two listings of the sacrificial
// directory (relative paths with their type): what a runtime created or
// removed outside the rootfs.
func Changed(before, after []string) []string {
	b := map[string]bool{}
	for _, p := range before {
		b[p] = true
	}
	a := map[string]bool{}
	var out []string
	for _, p := range after {
		a[p] = true
		if !b[p] {
			out = append(out, "created "+p)
		}
	}
	for _, p := range before {
		if !a[p] {
			out = append(out, "removed "+p)
		}
	}
	sort.Strings(out)
	return out
}

// Degraded returns the masked or read-only paths (attempts "<kind>:<loc>",
// Value the reference path; see probes/kernelfs_linux.go) that the variant's
// container reached although the same runtime held them on a plain rootfs:
// what the hostile rootfs switched off. Paths the runtime never held are
// left to the masked- and read-only-path rows. Each is "ref at loc: detail".
func Degraded(kind string, plain, variant *probes.Report) []string {
	heldPlain := map[string]bool{}
	for _, a := range plain.Attempts {
		if strings.HasPrefix(a.Name, kind+":") {
			if _, seen := heldPlain[a.Value]; !seen {
				heldPlain[a.Value] = true
			}
			if a.Outcome == probes.Succeeded {
				heldPlain[a.Value] = false
			}
		}
	}
	var out []string
	for _, a := range variant.Attempts {
		if !strings.HasPrefix(a.Name, kind+":") || a.Outcome != probes.Succeeded || !heldPlain[a.Value] {
			continue
		}
		out = append(out, fmt.Sprintf("%s at %s: %s", a.Value, strings.TrimPrefix(a.Name, kind+":"), a.Detail))
	}
	return out
}
