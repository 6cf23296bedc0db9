package escape

import (
	"github.com/little-container/little-container/suites/hostview"
	"github.com/little-container/little-container/suites/matrix"
)

// JudgeFDs decides the inherited-descriptors row from the host's reading of
// the container process's /proc/<pid>/fd and fdinfo while it holds: the
// probe opens everything it uses close-on-exec, so every descriptor past
// stdio without O_CLOEXEC came across exec — from the runtime or its caller
// — and unless the caller passed it on deliberately (passed) it is a
// finding, whatever it points at, named with its target.
func JudgeFDs(v *matrix.Verdict, fds []hostview.FD, passed map[int]bool, readErr error) {
	if readErr != nil {
		v.Problem("host could not read the container's descriptors: %v", readErr)
		return
	}
	own := 0
	for _, f := range fds {
		switch {
		case f.N < 3:
		case f.CloExec:
			own++
		case passed[f.N]:
			v.Note("descriptor %d -> %s: passed on by the caller, as asked", f.N, f.Target)
		default:
			v.Leak("descriptor %d -> %s reached the command (flags %#o, not close-on-exec)", f.N, f.Target, f.Flags)
		}
	}
	v.Note("%d descriptors of the probe's own (close-on-exec) left aside; %d in all", own, len(fds))
}
