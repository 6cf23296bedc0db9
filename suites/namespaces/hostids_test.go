package namespaces_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/little-container/little-container/suites/check"
	"github.com/little-container/little-container/suites/hostview"
	"github.com/little-container/little-container/suites/matrix"
	"github.com/little-container/little-container/suites/namespaces"
	"github.com/little-container/little-container/suites/target"
)

// Rows judged from the host alone while a probe holds: who root inside is
// on the host, and whose time namespace the container has.

var identityMap = []target.IDMap{{Container: 0, Host: 0, Size: 65536}}

var _ = Describe("user namespace maps", Label("ns", "usermap"), func() {
	row := "user ns: root inside is not root on the host (uid and gid maps)"
	for _, tn := range target.Names() {
		Context("on "+tn, func() {
			It(row, SpecTimeout(45*time.Second), func(ctx SpecContext) {
				runUserMap(ctx, tn, row, target.RunOpts{UserNS: true}, false)
			})
			It(row+" [control: --userns --uid-map 0:0:65536 --gid-map 0:0:65536]", Label("control"), SpecTimeout(45*time.Second), func(ctx SpecContext) {
				runUserMap(ctx, tn, row, target.RunOpts{UserNS: true, UIDMap: identityMap, GIDMap: identityMap}, true)
			})
		})
	}
})

func runUserMap(ctx SpecContext, tn, row string, o target.RunOpts, control bool) {
	if control {
		row += " [control: --userns --uid-map 0:0:65536 --gid-map 0:0:65536]"
	}
	cell := matrix.Cell{Area: "ns", Check: row, Target: tn, Control: control}
	e := check.Prepare(ctx, art, cell, true)
	var asked string
	if ok, why := e.Target.Can(target.KnobUserNS); !ok && !control {
		// A runtime that cannot map root away is judged as it runs: that
		// its root is the host's is the finding, not a reason to skip.
		o.UserNS = false
		asked = "cannot ask for a user namespace (" + why + "): judged with its defaults"
	}
	o.Args = e.ProbeArgs("hold")
	var m namespaces.UserMap
	var hostErr error
	o.Inspect = hostview.Look(&hostErr, func(pid int) (err error) {
		if m.UIDMap, err = hostview.IDMap(pid, "uid"); err != nil {
			return err
		}
		if m.GIDMap, err = hostview.IDMap(pid, "gid"); err != nil {
			return err
		}
		if m.UIDs, err = hostview.StatusIDs(pid, "uid"); err != nil {
			return err
		}
		if m.GIDs, err = hostview.StatusIDs(pid, "gid"); err != nil {
			return err
		}
		own, err := hostview.NamespaceOf(pid, "user")
		if err != nil {
			return err
		}
		m.SharedUserNS = own.Same(hostNS("user"))
		return nil
	})
	res := e.Run(ctx, o)
	v := check.Judge(res)
	if asked != "" {
		v.Note("%s", asked)
	}
	if hostview.HostSide(v, hostErr) {
		namespaces.JudgeRootMapping(v, m)
	}
	e.Finish(v)
}

var _ = Describe("time namespace", Label("ns", "timens"), func() {
	row := "time ns (informational where the runtime never promised one)"
	for _, tn := range target.Names() {
		Context("on "+tn, func() {
			It(row, SpecTimeout(45*time.Second), func(ctx SpecContext) {
				runTimeNS(ctx, tn, row, target.RunOpts{}, false)
			})
			It(row+" [control: --share time]", Label("control"), SpecTimeout(45*time.Second), func(ctx SpecContext) {
				runTimeNS(ctx, tn, row+" [control: --share time]", target.RunOpts{Share: []string{"time"}}, true)
			})
		})
	}
})

func runTimeNS(ctx SpecContext, tn, row string, o target.RunOpts, control bool) {
	cell := matrix.Cell{Area: "ns", Check: row, Target: tn, Control: control}
	e := check.Prepare(ctx, art, cell, true)
	host, err := hostview.Stat("/proc/self/ns/time")
	if err != nil {
		matrix.Skip(cell, "kernel without time namespaces: "+err.Error())
	}
	// Expressible with no reason: the runtime makes one by default. A reason
	// with it ("already shared") is a runtime that never makes one.
	ok, why := e.Target.Can(target.ShareKnob("time"))
	promised := ok && why == ""
	o.Args = e.ProbeArgs("hold")
	var self, children hostview.Identity
	var hostErr error
	o.Inspect = hostview.Look(&hostErr, func(pid int) (err error) {
		if self, err = hostview.NamespaceOf(pid, "time"); err != nil {
			return err
		}
		children, err = hostview.NamespaceOf(pid, "time_for_children")
		return err
	})
	res := e.Run(ctx, o)
	v := check.Judge(res)
	if hostview.HostSide(v, hostErr) {
		namespaces.JudgeTimeNS(v, host, self, children, promised, tn)
	}
	e.Finish(v)
}

// hostNS is the test process's own namespace of kind name.
func hostNS(name string) hostview.Identity {
	GinkgoHelper()
	id, err := hostview.Stat("/proc/self/ns/" + name)
	Expect(err).NotTo(HaveOccurred())
	return id
}
