package security

import (
	"strconv"
	"strings"
	"testing"

	"github.com/little-container/little-container/probes"
	"github.com/little-container/little-container/suites/matrix"
	"github.com/little-container/little-container/suites/reference"
)

// allDenied is a report where every reference call answered errno.
func allDenied(errno string, except map[string]probes.Attempt) *probes.Report {
	r := report()
	for _, d := range reference.DockerDenied {
		a, ok := except[d.Name]
		if !ok {
			a = probes.Attempt{Name: "sys:" + d.Name, Outcome: probes.Failed, Errno: errno, Value: errno, Detail: d.Name + "(...)"}
		}
		r.Attempts = append(r.Attempts, a)
	}
	return r
}

func TestJudgeSyscalls(t *testing.T) {
	every := func(string) (bool, bool) { return true, true }
	noKcmp := func(n string) (bool, bool) { return n != "kcmp", true }
	unknown := func(string) (bool, bool) { return false, false }
	n := len(reference.DockerDenied)
	for _, c := range []struct {
		name   string
		rep    *probes.Report
		kernel Kernel
		want   matrix.Status
		score  string
		why    string
	}{
		{"all EPERM", allDenied("EPERM", nil), every, matrix.Pass, itoa(n) + " of " + itoa(n) + " denied", ""},
		{"filter answers ENOSYS", allDenied("ENOSYS", nil), every, matrix.Pass, itoa(n) + " of " + itoa(n) + " denied", ""},
		{"one reached the kernel", allDenied("EPERM", map[string]probes.Attempt{
			"kcmp": {Name: "sys:kcmp", Outcome: probes.Failed, Errno: "ESRCH", Value: "ESRCH", Detail: "kcmp(...)"}}),
			every, matrix.Fail, itoa(n-1) + " of " + itoa(n) + " denied", "kcmp reached the kernel"},
		{"success reached the kernel", allDenied("EPERM", map[string]probes.Attempt{
			"socket": {Name: "sys:socket", Outcome: probes.Succeeded, Value: "OK", Detail: "socket(AF_VSOCK...)"}}),
			every, matrix.Fail, "", "socket reached"},
		{"absent from the kernel is left out", allDenied("EPERM", map[string]probes.Attempt{
			"kcmp": {Name: "sys:kcmp", Outcome: probes.Failed, Errno: "ENOSYS", Value: "ENOSYS"}}),
			noKcmp, matrix.Pass, itoa(n-1) + " of " + itoa(n-1) + " denied", ""},
		{"ENOSYS undecidable without kallsyms", allDenied("ENOSYS", nil), unknown, matrix.Skipped, "", "no call"},
		{"missing attempt", report(), every, matrix.Error, "", "did not report"},
	} {
		v := &matrix.Verdict{}
		JudgeSyscalls(v, c.rep, c.kernel)
		cell := v.Apply(matrix.Cell{})
		if cell.Status != c.want || !strings.Contains(cell.Reason, c.why) || (c.score != "" && cell.Score != c.score) {
			t.Errorf("%s: got %s [%s] (%s), want %s [%s] containing %q", c.name, cell.Status, cell.Score, cell.Reason, c.want, c.score, c.why)
		}
	}
}

func TestJudgeNamespaceRequests(t *testing.T) {
	build := func(f func(way, ns string) probes.Attempt) *probes.Report {
		r := report()
		for _, way := range reference.NamespaceWays {
			for _, ns := range reference.NamespaceFlags {
				a := f(way, ns)
				a.Name = "ns:" + way + ":" + ns
				r.Attempts = append(r.Attempts, a)
			}
		}
		return r
	}
	filtered := func(way, ns string) probes.Attempt {
		if way == "clone" && ns == "time" {
			return probes.Attempt{Outcome: probes.Unsupported, Detail: "no CLONE_NEWTIME"}
		}
		e := reference.NamespaceErrno(way)
		d := "call"
		if ns != "user" {
			d += " " + probes.CapFirstMark
		}
		return probes.Attempt{Outcome: probes.Failed, Errno: e, Value: e, Detail: d}
	}
	v := &matrix.Verdict{}
	JudgeNamespaceRequests(v, build(filtered))
	if c := v.Apply(matrix.Cell{}); c.Status != matrix.Pass || c.Score != "31 of 31 denied" {
		t.Errorf("filtered: %s [%s] %s", c.Status, c.Score, c.Reason)
	}
	// A filter that forgot CLONE_NEWUSER for clone alone.
	forgot := func(way, ns string) probes.Attempt {
		if way == "clone" && ns == "user" {
			return probes.Attempt{Outcome: probes.Succeeded, Value: "OK", Detail: "clone(0x10000000|SIGCHLD)"}
		}
		return filtered(way, ns)
	}
	v = &matrix.Verdict{}
	JudgeNamespaceRequests(v, build(forgot))
	if c := v.Apply(matrix.Cell{}); c.Status != matrix.Fail || !strings.Contains(c.Reason, "ns:clone:user") {
		t.Errorf("forgot NEWUSER: %s %s", c.Status, c.Reason)
	}
	// clone3 answered EINVAL reached the kernel.
	v = &matrix.Verdict{}
	JudgeNamespaceRequests(v, build(func(way, ns string) probes.Attempt {
		if way == "clone3" && ns == "net" {
			return probes.Attempt{Outcome: probes.Failed, Errno: "EINVAL", Value: "EINVAL", Detail: "clone3 " + probes.CapFirstMark}
		}
		return filtered(way, ns)
	}))
	if c := v.Apply(matrix.Cell{}); c.Status != matrix.Fail {
		t.Errorf("clone3 EINVAL: %s", c.Status)
	}
	// clone3 of a user namespace refused with EPERM (a filter's errno, or
	// the kernel refusing a chrooted caller) is a denial, not a leak.
	v = &matrix.Verdict{}
	JudgeNamespaceRequests(v, build(func(way, ns string) probes.Attempt {
		if way == "clone3" && ns == "user" {
			return probes.Attempt{Outcome: probes.Failed, Errno: "EPERM", Value: "EPERM", Detail: "clone3"}
		}
		return filtered(way, ns)
	}))
	if c := v.Apply(matrix.Cell{}); c.Status != matrix.Pass {
		t.Errorf("clone3 EPERM: %s %s", c.Status, c.Reason)
	}
}
func itoa(n int) string { return strconv.Itoa(n) }
