package escape_test

import (
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/little-container/little-container/suites/check"
	"github.com/little-container/little-container/suites/escape"
	"github.com/little-container/little-container/suites/hostview"
	"github.com/little-container/little-container/suites/matrix"
	"github.com/little-container/little-container/suites/target"
)

var _ = Describe("inherited descriptors", Label("escape", "fds"), func() {
	row := "escape: descriptors past stdio reaching the command (the runtime's or its caller's)"
	for _, tn := range target.Names() {
		Context("on "+tn, func() {
			It(row, SpecTimeout(45*time.Second), func(ctx SpecContext) {
				runFDs(ctx, tn, row, 0, false)
			})
			It(row+" [control: --preserve-fds 1]", Label("control"), SpecTimeout(45*time.Second), func(ctx SpecContext) {
				runFDs(ctx, tn, row+" [control: --preserve-fds 1]", 1, true)
			})
		})
	}
})

// runFDs hands the runtime a descriptor of a host directory as fd 3, as a
// careless caller would; the caller passes nothing on deliberately, so
// --preserve-fds 1 is more than was passed.
func runFDs(ctx SpecContext, tn, row string, preserve int, control bool) {
	cell := matrix.Cell{Area: "escape", Check: row, Target: tn, Control: control}
	e := check.Prepare(ctx, art, cell, true)
	o := target.RunOpts{InheritDir: filepath.Dir(e.FP.CanaryPath), PreserveFDs: preserve, Args: e.ProbeArgs("hold")}
	var fds []hostview.FD
	var hostErr error
	o.Inspect = hostview.Look(&hostErr, func(pid int) (err error) {
		fds, err = hostview.FDs(pid)
		return err
	})
	res := e.Run(ctx, o)
	v := check.Judge(res)
	if hostview.HostSide(v, hostErr) {
		escape.JudgeFDs(v, fds, nil, nil)
	}
	e.Finish(v)
}
