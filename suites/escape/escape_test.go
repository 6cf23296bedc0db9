package escape_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/little-container/little-container/suites/check"
	"github.com/little-container/little-container/suites/escape"
	"github.com/little-container/little-container/suites/matrix"
	"github.com/little-container/little-container/suites/target"
)

// escCase is one row: a technique under a configuration.
type escCase struct {
	Technique string
	Row       string
	Chroot    bool
	Control   bool
}

var _ = Describe("escape resistance", Label("escape"), func() {
	for _, tn := range target.Names() {
		Context("on "+tn, func() {
			var entries []TableEntry
			for _, t := range escape.Techniques {
				entries = append(entries, Entry(t, SpecTimeout(40*time.Second), escCase{Technique: t, Row: "escape: " + t}))
			}
			// The seed runtime's configuration: chroot(2) as root, which a
			// process with CAP_SYS_CHROOT climbs out of.
			entries = append(entries, Entry("chroot-climb control", Label("control"), SpecTimeout(40*time.Second),
				escCase{Technique: "chroot-climb", Row: "escape: chroot-climb [control: --chroot]", Chroot: true, Control: true}))
			DescribeTable("stays inside its root",
				func(ctx SpecContext, c escCase) { runEscape(ctx, tn, c) },
				entries,
			)
		})
	}
})

func runEscape(ctx SpecContext, tn string, c escCase) {
	cell := matrix.Cell{Area: "escape", Check: c.Row, Target: tn, Control: c.Control}
	e := check.Prepare(ctx, art, cell, true)
	res := e.Run(ctx, target.RunOpts{Args: e.ProbeArgs("escape"), Chroot: c.Chroot})
	v := check.Judge(res)
	escape.Judge(v, res.Report, c.Technique)
	e.Finish(v)
}
