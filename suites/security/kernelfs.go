package security

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/little-container/little-container/probes"
	"github.com/little-container/little-container/suites/check"
	"github.com/little-container/little-container/suites/matrix"
)

// Kernel interface rows: the kernelfs probe tries each path of a list at
// every place the container can reach it (see probes/kernelfs_linux.go),
// and the host says which of those paths it has itself.
const (
	KernelMasked   = "masked"   // reference.MaskedPaths read nothing
	KernelReadonly = "readonly" // reference.ReadonlyPaths do not open for writing
	KernelSysfs    = "sysfs-w"  // host sysfs tunables do not open for writing
	KernelInfo     = "info"     // root-only host information is not readable
)

// KernelHost is what the host established for a kernelfs row.
type KernelHost struct {
	// Present maps each reference path to "" when the host itself can do
	// what the container must not (read it, or open it for writing), else
	// to why not: a path the host lacks proves nothing either way.
	Present map[string]string
	// Mounts are the proc and sysfs mounts ("fstype root mountpoint") the
	// host read in the container's own mountinfo while the probe held.
	Mounts []string
}

// kernelWhat says, per row, what a succeeded attempt did.
var kernelWhat = map[string]string{
	KernelMasked:   "read from inside",
	KernelReadonly: "opened for writing from inside (never written)",
	KernelSysfs:    "opened for writing from inside (never written)",
	KernelInfo:     "read from inside",
}

// JudgeKernel decides one kernelfs row: any attempt that succeeded at a
// path the host has is a leak, named with where it was reached; a proc or
// sysfs mount the host saw in the container but the probe did not cover is
// a problem (the probe must not pass by missing a mount).
func JudgeKernel(v *matrix.Verdict, kind string, rep *probes.Report, h KernelHost) {
	if rep == nil {
		return
	}
	if a, ok := check.Attempt(v, rep, "kernelfs-mounts"); ok {
		seen := strings.Split(a.Value, "\n")
		for _, m := range h.Mounts {
			if !KernelMountCovered(seen, m) {
				v.Problem("the host sees %q in the container's mountinfo, but the probe did not cover it", m)
			}
		}
	}
	shown, tried, reached := 0, 0, 0
	byRef := map[string][]probes.Attempt{}
	for _, a := range rep.Attempts {
		if strings.HasPrefix(a.Name, kind+":") {
			byRef[a.Value] = append(byRef[a.Value], a)
		}
	}
	refs := make([]string, 0, len(h.Present))
	for p := range h.Present {
		refs = append(refs, p)
	}
	sort.Strings(refs)
	for _, ref := range refs {
		why := h.Present[ref]
		as := byRef[ref]
		if len(as) == 0 {
			v.Problem("probe did not try %s", ref)
			continue
		}
		if why == "" {
			shown++
		}
		for _, a := range as {
			loc := strings.TrimPrefix(a.Name, kind+":")
			tried++
			switch {
			case a.Outcome == probes.Succeeded:
				reached++
				v.Leak("%s %s (at %s): %s", ref, kernelWhat[kind], loc, a.Detail)
			case why != "":
				v.Note("%s at %s: %s %s; the host cannot either (%s): proves nothing", ref, loc, orNone(a.Errno), a.Detail, why)
			default:
				v.Note("%s at %s: held (%s %s)", ref, loc, orNone(a.Errno), a.Detail)
			}
		}
	}
	if shown == 0 && len(v.Leaks) == 0 {
		v.Skip("the host itself has none of the " + kind + " paths: nothing to defend")
	}
	if tried > 0 {
		v.Score = fmt.Sprintf("%d of %d held", tried-reached, tried)
	}
}

// KernelMountCovered says whether the probe covered the proc or sysfs mount
// m ("fstype root mountpoint"): it listed it, or m sits where the path
// itself leads (/proc with root "/", /proc/sys with root "/sys", /sys with
// root "/"), which the probe tries without a mount table.
func KernelMountCovered(seen []string, m string) bool {
	if contains(seen, m) {
		return true
	}
	f := strings.Fields(m)
	if len(f) != 3 {
		return false
	}
	for top, t := range probes.KernelFS {
		if f[0] == t && path.Join(top, f[1]) == f[2] {
			return true
		}
	}
	return false
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
