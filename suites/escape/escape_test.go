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
	Opts      target.RunOpts // knobs; Args and Rootfs are filled in per run
	Control   bool
}

// cases lists each technique's check and its control. The checks leak a
// descriptor of the host's root into the runtime, as a careless caller
// would: the runtime must not let it through.
func cases() []escCase {
	leak := target.RunOpts{InheritDir: "/"}
	return []escCase{
		{Technique: "chroot-climb", Row: "escape: chroot-climb"},
		{Technique: "chroot-climb", Row: "escape: chroot-climb [control: --chroot]", Control: true,
			Opts: target.RunOpts{Chroot: true}},
		{Technique: "proc-root", Row: "escape: proc-root"},
		{Technique: "proc-root", Row: "escape: proc-root [control: --share pid --cap-add SYS_PTRACE]", Control: true,
			Opts: target.RunOpts{Share: []string{"pid"}, CapAdd: []string{"SYS_PTRACE"}}},
		{Technique: "fd-leak", Row: "escape: fd-leak", Opts: leak},
		{Technique: "fd-leak", Row: "escape: fd-leak [control: --preserve-fds 1]", Control: true,
			Opts: target.RunOpts{InheritDir: "/", PreserveFDs: 1}},
		{Technique: "cwd-outside", Row: "escape: cwd-outside", Opts: leak},
		{Technique: "cwd-outside", Row: "escape: cwd-outside [control: --preserve-fds 1 --workdir /proc/self/fd/3]", Control: true,
			Opts: target.RunOpts{InheritDir: "/", PreserveFDs: 1, Workdir: "/proc/self/fd/3"}},
	}
}

var _ = Describe("escape resistance", Label("escape"), func() {
	for _, tn := range target.Names() {
		Context("on "+tn, func() {
			var entries []TableEntry
			for _, c := range cases() {
				args := []any{SpecTimeout(40 * time.Second), c}
				if c.Control {
					args = append([]any{Label("control")}, args...)
				}
				entries = append(entries, Entry(c.Row, args...))
			}
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
	o := c.Opts
	o.Args = e.ProbeArgs("escape")
	res := e.Run(ctx, o)
	v := check.Judge(res)
	escape.Judge(v, res.Report, c.Technique)
	if !c.Control {
		// A control must fail by its own technique; a check fails by any.
		for _, t := range escape.AlwaysJudged {
			escape.Judge(v, res.Report, t)
		}
	}
	e.Finish(v)
}
