package security

import (
	"fmt"
	"strings"

	"github.com/little-container/little-container/probes"
	"github.com/little-container/little-container/suites/matrix"
	"github.com/little-container/little-container/suites/reference"
)

// DockerSeccomp is the row that makes every call of
// reference.DockerDenied with harmless arguments.
const DockerSeccomp = "seccomp-docker"

// Kernel says, for a syscall name, whether the running kernel implements
// it: true, false, or unknown (the host could not tell).
type Kernel func(name string) (implemented, known bool)

// JudgeSyscalls decides the Docker deny-list row. Per call, from its
// errno: EPERM (the profile's errno) is denied; ENOSYS for a call this
// kernel implements is denied by a filter answering ENOSYS; ENOSYS for one
// it lacks says nothing and the call is left out of the count; anything
// else — success included — reached the kernel, which the reference
// forbids: a leak. The cell's score is "N of M denied".
func JudgeSyscalls(v *matrix.Verdict, rep *probes.Report, kernel Kernel) {
	if rep == nil {
		return
	}
	denied, counted, capFirst := 0, 0, 0
	var absent, notTried []string
	for _, d := range reference.DockerDenied {
		a, ok := rep.Attempt("sys:" + d.Name)
		if !ok {
			v.Problem("probe did not report sys:%s", d.Name)
			continue
		}
		if a.Outcome == probes.Unsupported {
			notTried = append(notTried, d.Name+" ("+a.Detail+")")
			continue
		}
		impl, known := kernel(d.Name)
		switch {
		case known && !impl:
			absent = append(absent, d.Name+" "+orNone(a.Errno))
		case a.Errno == "EPERM":
			denied++
			counted++
			if strings.HasSuffix(a.Detail, probes.CapFirstMark) {
				capFirst++
			}
		case a.Errno == "ENOSYS" && known:
			denied++
			counted++
		case a.Errno == "ENOSYS":
			notTried = append(notTried, d.Name+" (ENOSYS, and the host cannot tell whether the kernel has it)")
		default:
			counted++
			v.Leak("%s reached the kernel (%s from %s); Docker's profile denies it: %s", d.Name, a.Value, strings.TrimSuffix(a.Detail, " "+probes.CapFirstMark), d.Rule)
		}
	}
	if len(absent) > 0 {
		v.Note("not in this kernel (no implementation in /proc/kallsyms), left out with what they answered: %s", strings.Join(absent, ", "))
	}
	if len(notTried) > 0 {
		v.Note("not tried: %s", strings.Join(notTried, "; "))
	}
	if capFirst > 0 {
		v.Note("%d of the %d denials are EPERM from calls whose kernel code checks a capability first: the filter or the missing capability (the unconfined control shows which)", capFirst, denied)
	}
	v.Note("reference: %s, %d calls for a default container on x86-64", reference.DockerProfile, len(reference.DockerDenied))
	if counted == 0 {
		v.Skip("no call of the reference list could be judged here")
		return
	}
	v.Score = fmt.Sprintf("%d of %d denied", denied, counted)
	if len(v.Leaks) == 0 {
		v.Note("every call the reference denies stopped before the kernel")
	}
}
