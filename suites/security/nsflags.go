package security

import (
	"fmt"
	"strings"

	"github.com/little-container/little-container/probes"
	"github.com/little-container/little-container/suites/matrix"
	"github.com/little-container/little-container/suites/reference"
)

// NamespaceRequests is the row that asks for each namespace alone, every
// way (reference.NamespaceWays × reference.NamespaceFlags).
const NamespaceRequests = "seccomp-namespaces"

// JudgeNamespaceRequests decides the one-flag-at-a-time row. The
// reference denies every request to a default container; per attempt,
// EPERM (a filter's answer, or the kernel's own where it needs a
// capability: noted) and ENOSYS (Docker's answer to clone3, or any
// filter's ENOSYS: the kernel has all four calls) are denied; anything
// else — success, or EINVAL, EUSERS, ... from the kernel — reached the
// kernel: a leak. The score is "N of M denied".
func JudgeNamespaceRequests(v *matrix.Verdict, rep *probes.Report) {
	if rep == nil {
		return
	}
	denied, counted, ambiguous := 0, 0, 0
	var notTried []string
	for _, way := range reference.NamespaceWays {
		for _, ns := range reference.NamespaceFlags {
			if !reference.NamespaceRequestPossible(way, ns) {
				continue
			}
			name := "ns:" + way + ":" + ns
			a, ok := rep.Attempt(name)
			if !ok {
				v.Problem("probe did not report %s", name)
				continue
			}
			if a.Outcome == probes.Unsupported {
				notTried = append(notTried, name+" ("+a.Detail+")")
				continue
			}
			counted++
			call := strings.TrimSuffix(a.Detail, " "+probes.CapFirstMark)
			capFirst := strings.HasSuffix(a.Detail, probes.CapFirstMark)
			switch {
			case a.Errno == "EPERM":
				// A filter's answer (Docker's for all but clone3), or the
				// kernel's own where it needs a capability (every flag
				// but user) or refuses a chrooted caller a user namespace.
				denied++
				if capFirst {
					ambiguous++
				}
			case a.Errno == reference.NamespaceErrno(way), a.Errno == "ENOSYS":
				// Docker's clone3 answer, or a filter answering ENOSYS: the
				// kernel implements all four calls.
				denied++
			default:
				v.Leak("%s reached the kernel (%s from %s); Docker's profile denies it", name, a.Value, call)
			}
		}
	}
	if len(notTried) > 0 {
		v.Note("not tried: %s", strings.Join(notTried, "; "))
	}
	if ambiguous > 0 {
		v.Note("%d of the %d denials are EPERM where the kernel itself needs CAP_SYS_ADMIN: the filter or the missing capability; a new user namespace needs none, so the user rows are the filter's alone", ambiguous, denied)
	}
	if counted == 0 {
		v.Skip("no namespace request could be made here")
		return
	}
	v.Score = fmt.Sprintf("%d of %d denied", denied, counted)
}
