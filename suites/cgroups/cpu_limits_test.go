package cgroups_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/little-container/little-container/suites/cgroups"
	"github.com/little-container/little-container/suites/check"
	"github.com/little-container/little-container/suites/matrix"
	"github.com/little-container/little-container/suites/target"
)

// The CPU quota demanded and how long the loop spins: 0.2 CPUs is 20 ms
// of every 100 ms period, so a 2 s burn meets about 20 periods, each one
// throttled; without a quota it keeps one CPU busy for 2 s at most.
const (
	cpus      = 0.2
	cpuQuota  = 20000
	cpuPeriod = target.CPUPeriod
	burnFor   = "2s"
)

var _ = Describe("cgroup cpu quota", Label("cgroup"), Serial, func() {
	for _, tn := range target.Names() {
		Context("on "+tn, func() {
			DescribeTable("a CPU quota throttles a busy loop",
				func(ctx SpecContext, c limitCase) { runCPU(ctx, tn, c) },
				Entry("--cpus", SpecTimeout(60*time.Second),
					limitCase{Row: "cpu: --cpus 0.2 throttles a busy loop"}),
				Entry("control", Label("control"), SpecTimeout(60*time.Second),
					limitCase{Row: "cpu: busy loop [control: no --cpus]", Control: true}),
			)
		})
	}
})

func runCPU(ctx SpecContext, tn string, c limitCase) {
	cell := matrix.Cell{Area: "cgroup", Check: c.Row, Target: tn, Control: c.Control}
	e := check.Prepare(ctx, art, cell, true)
	hs := hostSide(cell, "cpu")
	w := cgroups.Want{CPUQuota: cpuQuota, CPUPeriod: cpuPeriod}
	o := target.RunOpts{ID: hs.ID, Inspect: cgroups.InspectHold(hs, cgroups.Reads{CPU: true}),
		Args: e.ProbeArgs("cpuburn", "-for", burnFor, "-hold")}
	if !c.Control {
		o.CPUs = cpus
	}

	res := e.Run(ctx, o)
	cgroups.FindLeftovers(hs)
	v := cgroups.Verdict(res, hs)
	cgroups.JudgeCPU(v, res.Report, hs, w)
	e.Finish(v)
	Expect(hs.Leftovers).To(BeEmpty(), "the container outlived its run")
}
