package security_test

import (
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/little-container/little-container/suites/check"
	"github.com/little-container/little-container/suites/matrix"
	"github.com/little-container/little-container/suites/reference"
	"github.com/little-container/little-container/suites/security"
	"github.com/little-container/little-container/suites/target"
)

// seccompRefCase is one row judged against Docker's default profile.
type seccompRefCase struct {
	Technique string
	Row       string
	Opts      target.RunOpts
	Control   bool
}

func seccompRefCases() []seccompRefCase {
	unconfined := target.RunOpts{SeccompUnconfined: true}
	list := "seccomp: Docker's default deny list, one call at a time"
	ns := "seccomp: namespaces one flag at a time (unshare, clone, clone3, setns)"
	return []seccompRefCase{
		{Technique: security.DockerSeccomp, Row: list},
		{Technique: security.DockerSeccomp, Row: list + " [control: --seccomp unconfined]", Opts: unconfined, Control: true},
		{Technique: security.NamespaceRequests, Row: ns},
		{Technique: security.NamespaceRequests, Row: ns + " [control: --seccomp unconfined]", Opts: unconfined, Control: true},
	}
}

var _ = Describe("seccomp against Docker's default profile", Label("security", "seccomp-ref"), func() {
	kernel := security.KallsymsKernel()
	check.TablePerTarget("denies what the reference denies", seccompRefCases, 60*time.Second,
		func(ctx SpecContext, tn string, c seccompRefCase) {
			cell := matrix.Cell{Area: "security", Check: c.Row, Target: tn, Control: c.Control}
			e := check.Prepare(ctx, art, cell, true)
			o := c.Opts
			if c.Technique == security.DockerSeccomp {
				o.Args = e.ProbeArgs("syscalls", "-names", strings.Join(reference.DockerDeniedNames(), ","))
			} else {
				o.Args = e.ProbeArgs("nsflags", "-ways", strings.Join(reference.NamespaceWays, ","),
					"-flags", strings.Join(reference.NamespaceFlags, ","))
			}
			res := e.Run(ctx, o)
			v := check.Judge(res)
			if c.Technique == security.DockerSeccomp {
				security.JudgeSyscalls(v, res.Report, kernel)
			} else {
				security.JudgeNamespaceRequests(v, res.Report)
			}
			e.Finish(v)
		})
})

// RowName and IsControl make seccompRefCase a check.Row.
func (c seccompRefCase) RowName() string { return c.Row }

// IsControl implements check.Row.
func (c seccompRefCase) IsControl() bool { return c.Control }
