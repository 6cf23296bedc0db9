package escape

import (
	"github.com/little-container/little-container/suites/hostview"
	"github.com/little-container/little-container/suites/matrix"
)

// JudgeHostFS decides the host-filesystem row from the host's accounting of
// the container's mount table (hostview.Account): every finding that is a
// leak fails it, named with its mount point and host source; the rest is
// evidence. A container whose table the host could not read is a problem.
func JudgeHostFS(v *matrix.Verdict, findings []hostview.Finding, readErr error) {
	if readErr != nil {
		v.Problem("host could not account for the container's mounts: %v", readErr)
		return
	}
	if len(findings) == 0 {
		v.Problem("the container's mount table was empty as the host read it")
		return
	}
	leaks := 0
	for _, f := range findings {
		switch {
		case f.Leak:
			leaks++
			v.Leak("%s", f)
		case f.Kind == hostview.KindUnknown:
			v.Problem("%s", f)
		default:
			v.Note("%s", f)
		}
	}
	if leaks == 0 {
		v.Note("every mount is the rootfs, a part of it, a pseudo-filesystem with a superblock of its own, the container's own cgroup, a declared volume or a single file")
	}
}
