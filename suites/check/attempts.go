package check

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/little-container/little-container/probes"
	"github.com/little-container/little-container/suites/matrix"
)

// Attempt returns the named attempt and notes it as evidence; a missing
// attempt is a problem (the probe did not do what the check relies on).
func Attempt(v *matrix.Verdict, rep *probes.Report, name string) (probes.Attempt, bool) {
	if rep == nil {
		return probes.Attempt{}, false
	}
	a, ok := rep.Attempt(name)
	if !ok {
		v.Problem("probe did not report %q", name)
		return a, false
	}
	v.Note("%s: %s", name, describe(a))
	return a, true
}

func describe(a probes.Attempt) string {
	s := string(a.Outcome)
	if a.Errno != "" {
		s += " " + a.Errno
	}
	if a.Value != "" {
		s += " value=" + oneLine(a.Value)
	}
	if a.Detail != "" {
		s += " (" + oneLine(a.Detail) + ")"
	}
	return s
}

func oneLine(s string) string {
	s = strings.ReplaceAll(strings.TrimSpace(s), "\n", " | ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

// ParseNSID parses "dev:ino".
func ParseNSID(s string) (probes.NSID, error) {
	d, i, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok {
		return probes.NSID{}, fmt.Errorf("namespace id %q: want dev:ino", s)
	}
	dev, err1 := strconv.ParseUint(d, 10, 64)
	ino, err2 := strconv.ParseUint(i, 10, 64)
	if err1 != nil || err2 != nil {
		return probes.NSID{}, fmt.Errorf("namespace id %q: want decimal dev:ino", s)
	}
	return probes.NSID{Dev: dev, Ino: ino}, nil
}

// NamespaceDiffers judges "ns-<name>" by comparing its (dev, ino) with the
// host's own, not trusting the probe's comparison: the same namespace is a
// leak, a missing kernel feature a skip, anything unreadable a problem.
func NamespaceDiffers(v *matrix.Verdict, rep *probes.Report, host map[string]probes.NSID, name string) {
	a, ok := Attempt(v, rep, "ns-"+name)
	if !ok {
		return
	}
	switch {
	case probes.IsNotImplemented(a):
		return // noted by Attempt; the row judges from its other attempts
	case a.Outcome == probes.Unsupported:
		v.Skip(fmt.Sprintf("%s namespace: %s", name, a.Detail))
		return
	case a.Outcome == probes.Failed:
		v.Problem("ns-%s: %s %s", name, a.Errno, a.Detail)
		return
	}
	id, err := ParseNSID(a.Value)
	if err != nil {
		v.Problem("ns-%s: %v", name, err)
		return
	}
	h, ok := host[name]
	if !ok {
		v.Problem("no host fingerprint for the %s namespace", name)
		return
	}
	if id == h {
		v.Leak("%s namespace is the host's (%d:%d)", name, h.Dev, h.Ino)
	}
}

// NotReached judges an attempt whose success means the host was reached.
// okErrnos are the refusals that prove isolation (e.g. ESRCH, ENOENT); any
// other failure is a problem, except leakErrnos, which prove the host object
// exists (e.g. EPERM, EACCES) and are leaks.
func NotReached(v *matrix.Verdict, rep *probes.Report, name, what string, okErrnos, leakErrnos []string) {
	a, ok := Attempt(v, rep, name)
	if !ok {
		return
	}
	switch a.Outcome {
	case probes.Succeeded:
		v.Leak("%s reachable (%s)", what, name)
	case probes.Unsupported:
		if !probes.IsNotImplemented(a) {
			v.Problem("%s not tried: %s", name, a.Detail)
		}
	case probes.Failed:
		switch {
		case contains(leakErrnos, a.Errno):
			v.Leak("%s exists from inside (%s %s)", what, name, a.Errno)
		case len(okErrnos) == 0 || contains(okErrnos, a.Errno):
		default:
			v.Problem("%s failed with unexpected %s: %s", name, a.Errno, a.Detail)
		}
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// Unimplemented skips v when every one of the named attempts the probe
// reported was not implemented by the kernel under the container (or was
// not reported at all), and says so: a check with nothing left to decide
// from is a skip with that reason, never a pass. It returns whether it
// skipped.
func Unimplemented(v *matrix.Verdict, rep *probes.Report, names ...string) bool {
	if rep == nil {
		return false
	}
	var why []string
	for _, n := range names {
		a, ok := rep.Attempt(n)
		if ok && !probes.IsNotImplemented(a) {
			return false
		}
		if ok {
			why = append(why, n+": "+strings.TrimPrefix(a.Detail, probes.NotImplementedHere+": "))
		}
	}
	if len(why) == 0 {
		return false
	}
	v.Skip(probes.NotImplementedHere + ": " + strings.Join(why, "; "))
	return true
}
