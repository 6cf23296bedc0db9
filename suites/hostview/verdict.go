package hostview

import (
	"errors"

	"github.com/little-container/little-container/suites/matrix"
)

// HostSide records a host-side error in v and says whether the host's
// evidence can be judged: a sandboxed container makes a row that rests on
// it skip, saying why; any other failure to look is a problem.
func HostSide(v *matrix.Verdict, err error) bool {
	switch {
	case err == nil:
		return true
	case errors.Is(err, ErrSandboxed):
		v.Skip(err.Error() + ": the host has nothing of the container's own to read")
	default:
		v.Problem("host side: %v", err)
	}
	return false
}

// Sandboxed says whether err is the sandboxed case, for rows whose probe
// evidence stands on its own and only lose the host's cross-check.
func Sandboxed(err error) bool { return errors.Is(err, ErrSandboxed) }
