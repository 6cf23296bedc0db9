package security

import (
	"github.com/little-container/little-container/suites/matrix"
)

// JudgeLSM decides the LSM confinement row from the labels the host read:
// its own (/proc/self/attr/current) and the container process's. The same
// label as the host's unconfined one means no confinement: a failure for
// a runtime that promises a profile (it can express the weakening), shown
// informationally for one that never did. noLSM is the host's reason when
// no LSM labels processes on this kernel.
func JudgeLSM(v *matrix.Verdict, hostLabel, containerLabel, noLSM string, promised bool, target string) {
	if noLSM != "" {
		v.Skip("no LSM here: " + noLSM)
		return
	}
	v.Note("the host's label %q, the container's %q", hostLabel, containerLabel)
	switch {
	case containerLabel != hostLabel && containerLabel != "unconfined":
		v.Note("confined by its own label")
	case promised:
		v.Leak("the container runs with the host's label %q: no LSM profile applied", containerLabel)
	default:
		v.Skip("informational: " + target + " applies no LSM profile (label " + containerLabel + ") and never promised one")
	}
}
