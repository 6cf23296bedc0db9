// Package escape is the "escape" suite: the escape probe tries every known
// way out of a container's root (.. of /, chroot climb, leaked descriptors,
// an outside cwd, /proc/<pid>/root, the canary by its host path, the old
// root in mountinfo) and each technique is one row of the matrix. The
// negative control runs the seed runtime's configuration, chroot instead of
// pivot_root as root, where the chroot climb must reach the host.
package escape

import (
	"github.com/little-container/little-container/probes"
	"github.com/little-container/little-container/suites/check"
	"github.com/little-container/little-container/suites/matrix"
)

// Techniques are the escape probe's attempts, in matrix order.
var Techniques = []string{
	"root-dotdot", "chroot-climb", "fd-leak", "cwd-outside", "proc-root", "canary-direct", "host-root-mount-visible",
}

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
	}
	if technique == "canary-direct" && a.Value == "match" {
		v.Leak("canary read at its host path with the host's content")
	}
}
