package cgroups_test

import (
	"fmt"
	"strconv"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/little-container/little-container/suites/cgroups"
	"github.com/little-container/little-container/suites/check"
	"github.com/little-container/little-container/suites/matrix"
	"github.com/little-container/little-container/suites/target"
)

// The limits demanded and how hard the probes push. The bounds keep a
// control harmless: 256 children and 256 MiB on a 2-core machine.
const (
	pidsLimit    = 32
	checkForks   = 512
	controlForks = 256
	memLimit     = 32 << 20
	hogMax       = 256 << 20
)

// limitCase is one row: a check, or its negative control without the limit.
type limitCase struct {
	Row     string
	Control bool
	Inline  bool // memory: the whole container is the hog
}

var _ = Describe("cgroup limits", Label("cgroup"), Serial, func() {
	for _, tn := range target.Names() {
		Context("on "+tn, func() {
			DescribeTable("a pids limit stops a fork bomb",
				func(ctx SpecContext, c limitCase) { runPids(ctx, tn, c) },
				Entry("--pids-max", SpecTimeout(60*time.Second),
					limitCase{Row: fmt.Sprintf("pids: --pids-max %d stops a fork bomb", pidsLimit)}),
				Entry("control", Label("control"), SpecTimeout(60*time.Second),
					limitCase{Row: "pids: fork bomb [control: no --pids-max]", Control: true}),
			)
			DescribeTable("a memory limit OOM-kills a hog",
				func(ctx SpecContext, c limitCase) { runMemory(ctx, tn, c) },
				Entry("--memory, hog child", SpecTimeout(60*time.Second),
					limitCase{Row: "memory: --memory 32M OOM-kills a hog child"}),
				Entry("control, hog child", Label("control"), SpecTimeout(60*time.Second),
					limitCase{Row: "memory: hog child [control: no --memory]", Control: true}),
				Entry("--memory, inline hog", SpecTimeout(60*time.Second),
					limitCase{Row: "memory: --memory 32M OOM-kills the container (exit 137)", Inline: true}),
				Entry("control, inline hog", Label("control"), SpecTimeout(60*time.Second),
					limitCase{Row: "memory: inline hog [control: no --memory]", Control: true, Inline: true}),
			)
		})
	}
})

func runPids(ctx SpecContext, tn string, c limitCase) {
	cell := matrix.Cell{Area: "cgroup", Check: c.Row, Target: tn, Control: c.Control}
	e := check.Prepare(ctx, art, cell, true)
	hs := hostSide(cell, "pids")
	w := cgroups.Want{PidsMax: pidsLimit, ForkMax: checkForks}
	o := target.RunOpts{ID: hs.ID, Inspect: cgroups.InspectHold(hs, cgroups.Reads{Pids: true, HostFork: true})}
	if c.Control {
		w.ForkMax = controlForks
	} else {
		o.PidsMax = pidsLimit
	}
	o.Args = e.ProbeArgs("forkbomb", "-max", strconv.Itoa(w.ForkMax), "-hold")
	km, err := cgroups.OpenKmsg()
	if err != nil {
		hs.KmsgErr = err.Error()
	} else {
		DeferCleanup(km.Close)
	}

	res := e.Run(ctx, o)
	if km != nil {
		msgs, err := km.Messages()
		if err != nil {
			hs.KmsgErr = err.Error()
		}
		hs.KernelPids = cgroups.PidsRecords(msgs, hs.Paths["pids"], hs.ID)
	}
	cgroups.FindLeftovers(hs)
	v := cgroups.Verdict(res, hs)
	cgroups.JudgePids(v, res.Report, hs, w)
	e.Finish(v)
	Expect(hs.Leftovers).To(BeEmpty(), "the container outlived its run")
}

func runMemory(ctx SpecContext, tn string, c limitCase) {
	cell := matrix.Cell{Area: "cgroup", Check: c.Row, Target: tn, Control: c.Control}
	e := check.Prepare(ctx, art, cell, true)
	hs := hostSide(cell, "memory")
	w := cgroups.Want{Memory: memLimit, HogMax: hogMax}
	o := target.RunOpts{ID: hs.ID, Inspect: cgroups.InspectHold(hs, cgroups.Reads{Mem: true})}
	flags := []string{"-max", strconv.Itoa(hogMax), "-hold"}
	if c.Inline {
		flags = append(flags, "-inline")
		o.Inspect = cgroups.InspectInline(hs)
	}
	if !c.Control {
		o.Memory = memLimit
	}
	o.Args = e.ProbeArgs("memhog", flags...)
	km, err := cgroups.OpenKmsg()
	if err != nil {
		hs.KmsgErr = err.Error()
	} else {
		DeferCleanup(km.Close)
	}

	res := e.Run(ctx, o)
	if km != nil {
		msgs, err := km.Messages()
		if err != nil {
			hs.KmsgErr = err.Error()
		}
		hs.KernelOOM = cgroups.OOMRecords(msgs, hs.Paths["memory"], hs.ID)
	}
	cgroups.FindLeftovers(hs)
	if c.Inline {
		v := cgroups.InlineVerdict(res)
		cgroups.JudgeInline(v, res, hs, w)
		e.Finish(v)
	} else {
		v := cgroups.Verdict(res, hs)
		cgroups.JudgeMemory(v, res.Report, hs, w)
		e.Finish(v)
	}
	Expect(hs.Leftovers).To(BeEmpty(), "the container outlived its run")
}

// hostSide detects the cgroup layout, skips (recorded) when ctrl cannot be
// checked here, and returns the host side of a run with a fresh container
// id, whose leftovers are removed at cleanup.
func hostSide(cell matrix.Cell, ctrl string) *cgroups.HostSide {
	GinkgoHelper()
	l, err := cgroups.HostLayout()
	if err != nil {
		matrix.Abort(cell, err.Error())
	}
	if why := l.Missing(ctrl); why != "" {
		matrix.Skip(cell, why)
	}
	hs := &cgroups.HostSide{Layout: l, ID: target.NewID()}
	if err := hs.Harness(); err != nil {
		cell.Status, cell.Reason = matrix.Error, err.Error()
		matrix.Record(cell)
		Fail(cell.Reason)
	}
	DeferCleanup(cgroups.RemoveLeftovers, hs)
	return hs
}
