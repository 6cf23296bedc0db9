// Package escape is the "escape" suite: the escape probe tries the known
// ways out of a container's root, and each technique that a weakening can
// open is one row of the matrix with its own negative control:
//
//	chroot-climb  mkdir d; chroot d; chdir .. (x256); chroot .   control: --chroot (the seed runtime)
//	proc-root     /proc/<pid>/root of a host process              control: --share pid --cap-add SYS_PTRACE
//	fd-leak       a host directory descriptor leaked to the       control: --preserve-fds 1
//	              runtime, climbed with fchdir
//	cwd-outside   a working directory outside the root            control: --preserve-fds 1 --workdir /proc/self/fd/3
//	              (runc's CVE-2024-21626)
//
// Two techniques no configuration of a root-changing runtime opens — ".."
// of "/" and opening the canary by its host path — are judged in every
// check row as extra evidence; they have no row (and no control) of their
// own. The old root in mountinfo is judged by the mnt namespace check.
package escape

import (
	"github.com/little-container/little-container/probes"
	"github.com/little-container/little-container/suites/check"
	"github.com/little-container/little-container/suites/matrix"
)

// Techniques are the rows, in matrix order.
var Techniques = []string{"chroot-climb", "proc-root", "fd-leak", "cwd-outside"}

// AlwaysJudged are judged in every check row.
var AlwaysJudged = []string{"root-dotdot", "canary-direct"}

// Judge decides one technique: reaching the host (succeeded) is a leak, a
// refusal or staying inside passes, a technique that could not be tried is
// a skip with the probe's reason.
func Judge(v *matrix.Verdict, rep *probes.Report, technique string) {
	a, ok := check.Attempt(v, rep, technique)
	if !ok {
		return
	}
	switch a.Outcome {
	case probes.Succeeded:
		v.Leak("%s reached the host: %s %s", technique, a.Value, a.Detail)
	case probes.Unsupported:
		v.Skip(technique + " not tried: " + a.Detail)
	default:
		v.Note("%s: %s %s %s", technique, a.Outcome, a.Errno, a.Detail)
	}
	if technique == "canary-direct" && a.Value == "match" {
		v.Leak("canary read at its host path with the host's content")
	}
}
