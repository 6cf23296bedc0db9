package escape

import (
	"github.com/little-container/little-container/suites/matrix"
)

// Killed is what the host saw around a SIGKILL of the runtime process.
type Killed struct {
	// Before are the container's processes (found by the nonce) just
	// before the kill; Survivors those still alive after it, before any
	// cleanup path: the container must die with its runtime.
	Before, Survivors []int
	// Cgroups are the container's cgroup directories (those not the
	// harness's own); Left those still there afterwards.
	Cgroups, Left []string
	// Shared are container cgroups still there that other processes hold
	// now: not judged (another run of the same runtime shares them).
	Shared []string
	// Mounts are host mount points below the rootfs afterwards.
	Mounts []string
	// Cleanup is what the target's cleanup path ran; empty when it has
	// none.
	Cleanup []string
	// CleanupErr is the cleanup path's failure.
	CleanupErr error
}

// JudgeKilled decides the killed-runtime row: once the runtime was killed
// no process of the container may stay alive, and after the target's own
// cleanup path (where it has one) nothing the runtime made — cgroup,
// mount — may be left. The container must have had its processes to begin
// with.
func JudgeKilled(v *matrix.Verdict, k Killed) {
	if len(k.Before) < 2 {
		v.Problem("before the kill the host found %d of the container's processes (want the probe and its child): %v", len(k.Before), k.Before)
	}
	switch {
	case k.CleanupErr != nil:
		v.Problem("cleanup path (%v) failed: %v", k.Cleanup, k.CleanupErr)
	case len(k.Cleanup) > 0:
		v.Note("the target's cleanup path ran: %v", k.Cleanup)
	default:
		v.Note("no cleanup path run: judged as the killed runtime left things")
	}
	for _, p := range k.Survivors {
		v.Leak("container process %d survived the killed runtime", p)
	}
	for _, d := range k.Left {
		v.Leak("cgroup %s left behind", d)
	}
	for _, d := range k.Shared {
		v.Note("cgroup %s is still there, shared: not judged", d)
	}
	for _, m := range k.Mounts {
		v.Leak("mount %s left on the host", m)
	}
	v.Note("processes before the kill %v, cgroups %v", k.Before, k.Cgroups)
	if len(v.Leaks) == 0 {
		v.Note("nothing of the container outlived the runtime (%d processes, %d cgroups)", len(k.Before), len(k.Cgroups))
	}
}
