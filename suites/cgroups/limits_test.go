package cgroups_test

import (
	"fmt"
	"strconv"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/little-container/little-container/probes"
	"github.com/little-container/little-container/suites/cgroups"
	"github.com/little-container/little-container/suites/check"
	"github.com/little-container/little-container/suites/matrix"
	"github.com/little-container/little-container/suites/target"
)

// The limits demanded and how hard the probes push. A control is decided
// as soon as its probe passes what the limit would have stopped, with a
// margin, never more: pids.max counts the probe's own threads too, so
// pidsLimit children are already past it and 8 more leave no doubt; the
// hog passes the limit plus the judge's slack by two steps. Each fork
// and page costs more under gVisor's ptrace platform (its pids control
// was the suite's longest spec at twice the limit), and the check needs
// none of it: the bomb and the hog go only as far as the limit lets
// them. The checks' bounds are past the limit plus slack.
const (
	pidsLimit    = 32
	checkForks   = 2 * pidsLimit
	controlForks = pidsLimit + 8
	memLimit     = 32 << 20
	hogMax       = memLimit + cgroups.MemSlack + 2*probes.MemhogDefaultStep
)

// limitCase is one row: a check, or its negative control without the limit.
type limitCase struct {
	Row     string // the check's full name
	Short   string // the matrix row, shared by the check and its control
	Control bool
	Inline  bool // memory: the whole container is the hog
}

// The cgroup rows of different targets run in parallel, CPU included:
// each container has cgroups of its own, named by a unique id, and the
// judges read only those (or, for a runtime without cgroups, the
// unlimited cgroup it runs in, whose counters no parallel run can move
// in the control's favour). Bombs and hogs are bounded a little past the limit.
var _ = Describe("cgroup limits", Label("cgroup"), func() {
	for _, tn := range target.Names() {
		Context("on "+tn, func() {
			DescribeTable("a pids limit stops a fork bomb",
				func(ctx SpecContext, c limitCase) { runPids(ctx, tn, c) },
				Entry("--pids-max", SpecTimeout(60*time.Second),
					limitCase{Row: fmt.Sprintf("pids: --pids-max %d stops a fork bomb", pidsLimit), Short: "pids"}),
				Entry("control", Label("control"), SpecTimeout(60*time.Second),
					limitCase{Row: "pids: fork bomb [control: no --pids-max]", Short: "pids", Control: true}),
			)
			DescribeTable("a memory limit OOM-kills a hog",
				func(ctx SpecContext, c limitCase) { runMemory(ctx, tn, c) },
				Entry("--memory, hog child", SpecTimeout(60*time.Second),
					limitCase{Row: "memory: --memory 32M OOM-kills a hog child", Short: "memory (child)"}),
				Entry("control, hog child", Label("control"), SpecTimeout(60*time.Second),
					limitCase{Row: "memory: hog child [control: no --memory]", Short: "memory (child)", Control: true}),
				Entry("--memory, inline hog", SpecTimeout(60*time.Second),
					limitCase{Row: "memory: --memory 32M OOM-kills the container (exit 137)", Short: "memory (inline)", Inline: true}),
				Entry("control, inline hog", Label("control"), SpecTimeout(60*time.Second),
					limitCase{Row: "memory: inline hog [control: no --memory]", Short: "memory (inline)", Control: true, Inline: true}),
			)
		})
	}
})

func runPids(ctx SpecContext, tn string, c limitCase) {
	cell := matrix.Cell{Area: "cgroup", Check: c.Row, Row: c.Short, Target: tn, Control: c.Control}
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
	expectGone(tn, hs)
}

func runMemory(ctx SpecContext, tn string, c limitCase) {
	cell := matrix.Cell{Area: "cgroup", Check: c.Row, Row: c.Short, Target: tn, Control: c.Control}
	e := check.Prepare(ctx, art, cell, true)
	hs := hostSide(cell, "memory")
	w := cgroups.Want{Memory: memLimit, HogMax: hogMax}
	// -await: the hog starts only once the host has found the container
	// and read its cgroup, so a container the OOM killer takes down in
	// milliseconds (the inline hog; the probe killed after its hog child)
	// is never missed: InspectInline closes stdin to let it go,
	// InspectHold writes a byte and samples the cgroup until the hold.
	o := target.RunOpts{ID: hs.ID, Inspect: cgroups.InspectHold(hs, cgroups.Reads{Mem: true, Await: true})}
	flags := []string{"-max", strconv.Itoa(hogMax), "-hold", "-await"}
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
		// The kill lines, never rate-limited, of the container's process
		// found by its nonce and of every process the kernel listed in
		// its memory cgroup (a sandbox's: the sandbox's).
		hs.Kills = cgroups.KillsOf(msgs, append([]int{hs.ContainerPID}, hs.InCgroup...))
	}
	cgroups.FindLeftovers(hs)
	if c.Inline {
		v := cgroups.InlineVerdict(res)
		cgroups.JudgeInline(v, res, hs, w)
		e.Finish(v)
	} else {
		v := cgroups.Verdict(res, hs)
		cgroups.JudgeMemory(v, res, hs, w)
		e.Finish(v)
	}
	expectGone(tn, hs)
}

// expectGone fails the spec of a strict target whose container outlived
// its run, control or not (the cell already shows it as a leak); for
// another target that is a finding in its cell.
func expectGone(tn string, hs *cgroups.HostSide) {
	GinkgoHelper()
	if matrix.IsStrict(tn) {
		Expect(hs.Leftovers).To(BeEmpty(), "the container outlived its run")
	}
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
		matrix.Abort(cell, err.Error())
	}
	DeferCleanup(cgroups.RemoveLeftovers, hs)
	return hs
}
