package surface

import (
	"fmt"
	"slices"
	"strings"

	"github.com/little-container/little-container/probes"
	"github.com/little-container/little-container/suites/check"
	"github.com/little-container/little-container/suites/matrix"
)

// JudgeVolume decides "volume links": outside lists what appeared in the
// host directory the rootfs's link pointed at (it must stay empty);
// marker is what the host wrote into the volume. A runtime that refused
// the rootfs outright (no report) is safe if nothing appeared outside.
func JudgeVolume(v *matrix.Verdict, rep *probes.Report, marker string, outside []string, refused bool) {
	if len(outside) > 0 {
		v.Leak("the runtime created or mounted through the rootfs's link, on the host: %s", strings.Join(outside, ", "))
	}
	if rep == nil {
		if refused && len(outside) == 0 {
			v.Note("the runtime refused the rootfs; nothing appeared outside it")
		} else if refused {
			v.Note("the runtime refused the rootfs, but only after it had made its mount point outside it")
		}
		return
	}
	if a, ok := check.Attempt(v, rep, "volume-marker"); ok && (a.Outcome != probes.Succeeded || a.Value != marker) {
		v.Problem("the volume is not at its container path (marker %q, want %q)", a.Value, marker)
	}
	check.NotReached(v, rep, "volume-link-out", "the host's canary, through a link in the volume", []string{"ENOENT"}, nil)
}

// JudgeReadOnly decides "ro holds" by behaviour: the write and the
// read-write remount must be refused and created, what appeared in the
// volume's host directory during the run, must be empty. The mount's
// statfs flags are only noted: a sandbox kernel (gVisor) may report a
// read-only bind as rw and still refuse every write.
func JudgeReadOnly(v *matrix.Verdict, rep *probes.Report, created []string) {
	if len(created) > 0 {
		v.Leak("the read-only volume's host directory gained %s", strings.Join(created, ", "))
	}
	if rep == nil {
		return
	}
	check.Attempt(v, rep, "ro-statfs") // evidence
	check.NotReached(v, rep, "ro-write", "a write into the read-only volume", []string{"EROFS", "EACCES", "EPERM"}, nil)
	check.NotReached(v, rep, "ro-remount", "a read-write remount of the volume", []string{"EPERM", "EACCES"}, nil)
	if a, ok := rep.Attempt("ro-write-after-remount"); ok {
		v.Note("ro-write-after-remount: %s %s", a.Outcome, a.Errno)
	}
}

// JudgePTY decides "own pty": the container's stdin must be a terminal,
// a node of the devpts mounted at its own /dev/pts, and that devpts must
// not be the host's (hostPts, the device of the host's /dev/pts).
func JudgePTY(v *matrix.Verdict, rep *probes.Report, hostPts uint64) {
	if rep == nil {
		return
	}
	if a, ok := check.Attempt(v, rep, "pty-stdin-tty"); ok && a.Outcome != probes.Succeeded {
		v.Leak("the container got no terminal (%s %s)", a.Errno, a.Detail)
		return
	}
	a, ok := check.Attempt(v, rep, "pty-own-devpts")
	if !ok {
		return
	}
	var in, pts uint64
	if _, err := fmt.Sscanf(a.Value, "%d %d", &in, &pts); err != nil {
		v.Problem("pty-own-devpts value %q: %v", a.Value, err)
		return
	}
	if in == hostPts {
		v.Leak("the container's terminal is a pty of the host's devpts (device %d)", hostPts)
	}
	if pts == hostPts {
		v.Leak("the container's /dev/pts is the host's devpts")
	}
	if a.Outcome != probes.Succeeded || in != pts {
		v.Leak("the container's terminal is not a node of its own /dev/pts (stdin device %d, /dev/pts %d)", in, pts)
	}
	if e, ok := check.Attempt(v, rep, "pty-entries"); ok {
		var numbered []string
		for _, n := range strings.Split(e.Value, ",") {
			if n != "" && n != "ptmx" {
				numbered = append(numbered, n)
			}
		}
		if len(numbered) > 1 {
			v.Leak("the container's /dev/pts shows %d ptys, want its own one: %v", len(numbered), numbered)
		}
	}
}

// JudgeLoopback decides "slirp: the host's loopback stays out of reach":
// the host's loopback listener must not answer, directly or through the
// slirp gateway.
func JudgeLoopback(v *matrix.Verdict, rep *probes.Report) {
	if rep == nil {
		return
	}
	// "": a connect that timed out (no errno).
	refused := []string{"ECONNREFUSED", "ENETUNREACH", "EHOSTUNREACH", "ETIMEDOUT", "ECONNRESET", ""}
	check.NotReached(v, rep, "net-host-loopback", "the host's loopback listener", refused, nil)
	check.NotReached(v, rep, "net-gateway-loopback", "the host's loopback listener through the gateway", refused, nil)
}

// JudgeListeners decides "slirp: no host port listens unasked":
// hostListeners are the host ports that processes of the runtime listened
// on while the container served a port of its own, which the probe must
// have managed to do (else there was nothing to expose).
func JudgeListeners(v *matrix.Verdict, rep *probes.Report, hostListeners []int) {
	if len(hostListeners) > 0 {
		slices.Sort(hostListeners)
		v.Leak("the host listens for the container on %v", hostListeners)
	}
	if rep == nil {
		return
	}
	if a, ok := check.Attempt(v, rep, "net-listen"); ok && a.Outcome != probes.Succeeded {
		v.Problem("the probe could not listen inside (%s): nothing to expose", a.Detail)
	}
}
