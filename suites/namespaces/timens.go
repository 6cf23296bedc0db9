package namespaces

import (
	"github.com/little-container/little-container/suites/hostview"
	"github.com/little-container/little-container/suites/matrix"
)

// JudgeTimeNS decides the time-namespace row from the host's stat of the
// container's /proc/<pid>/ns/time (and time_for_children) against its own.
// A runtime that promises a time namespace of its own (it can express the
// weakening "share time") fails when it shares the host's; one that never
// promised one is shown, informationally, as a skip that says so.
func JudgeTimeNS(v *matrix.Verdict, host, self, children hostview.Identity, promised bool, target string) {
	own := !self.Same(host) || !children.Same(host)
	v.Note("time namespace %s (for children %s), the host's %s", self, children, host)
	switch {
	case own:
		v.Note("a time namespace of its own")
	case promised:
		v.Leak("the container shares the host's time namespace (%s)", host)
	default:
		v.Skip("informational: " + target + " shares the host's time namespace and never promised one of its own")
	}
}
