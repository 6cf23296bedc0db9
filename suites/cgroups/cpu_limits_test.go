package cgroups_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/little-container/little-container/suites/cgroups"
	"github.com/little-container/little-container/suites/check"
	"github.com/little-container/little-container/suites/matrix"
	"github.com/little-container/little-container/suites/target"
)

// The CPU quota demanded, and the most the loop may spin: 0.2 CPUs is 20 ms
// of every 100 ms. The host ends the loop as soon as the kernel's counters
// decide (cgroups.BurnDecided: a few periods under a quota), so -for only
// bounds a run the host cannot watch.
const (
	cpus      = 0.2
	cpuQuota  = 20000
	cpuPeriod = target.CPUPeriod
	burnMax   = "4s"
)

// Parallel with every other cgroup row (see "cgroup limits"): each busy
// loop is judged by its own cgroup's counters, and the judge tells a
// starved loop from an unthrottled one.
var _ = Describe("cgroup cpu quota", Label("cgroup"), func() {
	for _, tn := range target.Names() {
		Context("on "+tn, func() {
			DescribeTable("a CPU quota throttles a busy loop",
				func(ctx SpecContext, c limitCase) { runCPU(ctx, tn, c) },
				Entry("--cpus", SpecTimeout(60*time.Second),
					limitCase{Row: "cpu: --cpus 0.2 throttles a busy loop", Short: "cpu"}),
				Entry("control", Label("control"), SpecTimeout(60*time.Second),
					limitCase{Row: "cpu: busy loop [control: no --cpus]", Short: "cpu", Control: true}),
			)
		})
	}
})

func runCPU(ctx SpecContext, tn string, c limitCase) {
	cell := matrix.Cell{Area: "cgroup", Check: c.Row, Row: c.Short, Target: tn, Control: c.Control}
	e := check.Prepare(ctx, art, cell, true)
	hs := hostSide(cell, "cpu")
	w := cgroups.Want{CPUQuota: cpuQuota, CPUPeriod: cpuPeriod}
	o := target.RunOpts{ID: hs.ID, Inspect: cgroups.InspectBurn(hs),
		Args: e.ProbeArgs("cpuburn", "-until-eof", "-for", burnMax)}
	if !c.Control {
		o.CPUs = cpus
	}

	res := e.Run(ctx, o)
	cgroups.FindLeftovers(hs)
	v := cgroups.Verdict(res, hs)
	cgroups.JudgeCPU(v, res.Report, hs, w)
	e.Finish(v)
	expectGone(tn, hs)
}
