package security_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/little-container/little-container/suites/check"
	"github.com/little-container/little-container/suites/hostview"
	"github.com/little-container/little-container/suites/matrix"
	"github.com/little-container/little-container/suites/namespaces"
	"github.com/little-container/little-container/suites/security"
	"github.com/little-container/little-container/suites/target"
)

// Rows the host judges alone while a probe holds: the container's device
// nodes and its LSM label.

var _ = Describe("device inodes", Label("security", "devnodes"), func() {
	row := "security: device nodes are not the host's own inodes (root without a user namespace)"
	ctl := row + " [control: --volume /dev/null:/dev/null:ro]"
	for _, tn := range target.Names() {
		Context("on "+tn, func() {
			It(row, SpecTimeout(45*time.Second), func(ctx SpecContext) {
				runDevNodes(ctx, tn, row, target.RunOpts{}, false)
			})
			It(ctl, Label("control"), SpecTimeout(45*time.Second), func(ctx SpecContext) {
				// One host node bound in, read-only: the careless
				// configuration in its safe form. Never bind the host's
				// whole /dev: a runtime that populates the container's
				// /dev (LXC, runc) would then create, replace and chown
				// nodes in the host's own /dev. The probe only holds.
				runDevNodes(ctx, tn, ctl, target.RunOpts{Volumes: []target.Volume{{Host: "/dev/null", Container: "/dev/null", ReadOnly: true}}}, true)
			})
		})
	}
})

func runDevNodes(ctx SpecContext, tn, row string, o target.RunOpts, control bool) {
	cell := matrix.Cell{Area: "security", Check: row, Target: tn, Control: control}
	e := check.Prepare(ctx, art, cell, true)
	o.Args = e.ProbeArgs("hold")
	var nodes []security.DeviceView
	rootIsHostRoot := false
	var hostErr error
	o.Inspect = hostview.Look(&hostErr, func(pid int) error {
		m, err := hostview.IDMap(pid, "uid")
		if err != nil {
			return err
		}
		for _, r := range namespaces.ParseIDMap(m) {
			if r.Inside == 0 && r.Outside == 0 {
				rootIsHostRoot = true
			}
		}
		for _, n := range security.DeviceNodes {
			dv := security.DeviceView{Name: n}
			if id, err := hostview.Stat(fmt.Sprintf("/proc/%d/root/dev/%s", pid, n)); err != nil {
				dv.InsideErr = err.Error()
			} else {
				dv.Inside = id
			}
			if id, err := hostview.Stat(filepath.Join("/dev", n)); err != nil {
				dv.HostE = err.Error()
			} else {
				dv.OnHost = id
			}
			nodes = append(nodes, dv)
		}
		return nil
	})
	res := e.Run(ctx, o)
	v := check.Judge(res)
	if hostview.HostSide(v, hostErr) {
		security.JudgeDeviceInodes(v, nodes, rootIsHostRoot)
	}
	e.Finish(v)
}

var _ = Describe("LSM confinement", Label("security", "lsm"), func() {
	row := "security: LSM label of the container (AppArmor, SELinux)"
	ctl := row + " [control: LSM profile unconfined]"
	for _, tn := range target.Names() {
		Context("on "+tn, func() {
			It(row, SpecTimeout(45*time.Second), func(ctx SpecContext) {
				runLSM(ctx, tn, row, target.RunOpts{}, false)
			})
			It(ctl, Label("control"), SpecTimeout(45*time.Second), func(ctx SpecContext) {
				runLSM(ctx, tn, ctl, target.RunOpts{LSMUnconfined: true}, true)
			})
		})
	}
})

func runLSM(ctx SpecContext, tn, row string, o target.RunOpts, control bool) {
	cell := matrix.Cell{Area: "security", Check: row, Target: tn, Control: control}
	hostLabel, err := hostview.LSMLabel(0)
	if errors.Is(err, hostview.ErrNoLSM) {
		matrix.Skip(cell, "no LSM here: "+err.Error())
	}
	Expect(err).NotTo(HaveOccurred())
	e := check.Prepare(ctx, art, cell, true)
	ok, why := e.Target.Can(target.KnobLSMOff)
	promised := ok && why == ""
	o.Args = e.ProbeArgs("hold")
	var label string
	var hostErr error
	o.Inspect = hostview.Look(&hostErr, func(pid int) (err error) {
		label, err = hostview.LSMLabel(pid)
		return err
	})
	res := e.Run(ctx, o)
	v := check.Judge(res)
	if hostview.HostSide(v, hostErr) {
		security.JudgeLSM(v, hostLabel, label, "", promised, tn)
	}
	e.Finish(v)
}
