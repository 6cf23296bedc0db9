package security

import (
	"slices"
	"strings"

	"github.com/little-container/little-container/probes"
	"github.com/little-container/little-container/runtime/capability"
	"github.com/little-container/little-container/suites/check"
	"github.com/little-container/little-container/suites/matrix"
)

// BoundedSets are the caps probe's sets that must stay within
// ExpectedCaps; cap-amb must be empty.
var BoundedSets = []string{"cap-eff", "cap-prm", "cap-inh", "cap-bnd"}

// DecodeSet reads a cap-* attempt back into a capability.Set: its Value
// names (against capability's explicit table) and the mask its Detail
// carries ("CapEff 00000000a80425fb: 14 capabilities", read with
// capability.ParseMask) must agree. Unknown names are returned apart: a
// kernel capability beyond the table is beyond the default set too.
func DecodeSet(a probes.Attempt) (set capability.Set, unknown []string, mask capability.Set, maskOK bool) {
	for _, n := range probes.SplitCaps(a.Value) {
		c, err := capability.Parse(n)
		if err != nil {
			unknown = append(unknown, n)
			continue
		}
		set |= capability.NewSet(c)
	}
	if f := strings.Fields(a.Detail); len(f) >= 2 {
		m, err := capability.ParseMask(strings.TrimSuffix(f[1], ":"))
		if err == nil {
			mask, maskOK = m, true
		}
	}
	return set, unknown, mask, maskOK
}

func judgeCaps(v *matrix.Verdict, rep *probes.Report) {
	allowed := expectedCapSet()
	v.Note("allowed (the OCI/Docker default set) %s", describeSet(allowed.Names()))
	if check.Unimplemented(v, rep, append(slices.Clone(BoundedSets), "cap-amb")...) {
		return
	}
	for _, n := range BoundedSets {
		a, ok := check.Attempt(v, rep, n)
		if !ok || probes.IsNotImplemented(a) {
			continue
		}
		if a.Outcome != probes.Succeeded {
			v.Problem("%s not read: %s %s", n, a.Errno, a.Detail)
			continue
		}
		set, unknown, mask, maskOK := DecodeSet(a)
		if maskOK && len(unknown) == 0 && mask != set {
			v.Problem("%s: names %q disagree with the mask in %q", n, a.Value, a.Detail)
		}
		if len(unknown) > 0 {
			v.Leak("%s holds capabilities the table does not know: %s", n, strings.Join(unknown, ","))
		}
		if extra := capability.Diff(set, allowed); len(extra) > 0 {
			v.Leak("%s holds %d beyond the default set: %s", n, len(extra), strings.Join(extra, ","))
		}
	}
	if a, ok := check.Attempt(v, rep, "cap-amb"); ok {
		switch {
		case probes.IsNotImplemented(a):
		case a.Outcome != probes.Succeeded:
			v.Problem("cap-amb not read: %s %s", a.Errno, a.Detail)
		case a.Value != "":
			v.Leak("ambient capabilities not cleared: %s", a.Value)
		}
	}
	if len(v.Leaks) == 0 {
		v.Note("defence: every capability outside the default set is dropped from the bounding set and the ambient set is cleared")
	}
}

func judgeNoNewPrivs(v *matrix.Verdict, caps, sec *probes.Report) {
	if a, ok := check.Attempt(v, caps, "no-new-privs"); ok {
		switch {
		case a.Outcome != probes.Succeeded:
			v.Problem("no-new-privs not read: %s %s", a.Errno, a.Detail)
		case a.Value != "1":
			v.Leak("no_new_privs is %q, not set", a.Value)
		}
	}
	blocked(v, sec, "setuid-gain", "a setuid-root binary raised euid to 0",
		map[string]string{"": "euid stayed: no_new_privs makes exec ignore the setuid bit (the rootfs is not nosuid; the control shows the gain)"})
}
