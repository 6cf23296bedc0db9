package namespaces_test

import (
	"fmt"
	"slices"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/little-container/little-container/suites/check"
	"github.com/little-container/little-container/suites/matrix"
	"github.com/little-container/little-container/suites/namespaces"
	"github.com/little-container/little-container/suites/target"
)

// nsCase is one row: a namespace, the configuration it runs under, and
// whether it is the negative control (a weakening that must FAIL).
type nsCase struct {
	NS       string
	Row      string
	Share    []string
	Chroot   bool
	UserNS   bool
	Rootless bool
	Control  bool
	NeedRoot bool
}

func isolated(ns string) nsCase {
	return nsCase{NS: ns, Row: ns + " ns", NeedRoot: true}
}

func control(ns string) nsCase {
	return nsCase{NS: ns, Row: fmt.Sprintf("%s ns [control: --share %s]", ns, ns), Share: []string{ns}, Control: true, NeedRoot: true}
}

var _ = Describe("namespace isolation", Label("ns"), func() {
	for _, tn := range target.Names() {
		Context("on "+tn, func() {
			DescribeTable("decided by behaviour",
				func(ctx SpecContext, c nsCase) { runNS(ctx, tn, c) },
				entry("pid", isolated("pid")),
				entry("pid control", Label("control"), control("pid")),
				entry("mnt", isolated("mnt")),
				// Sharing the host's mount namespace needs chroot: pivot_root
				// there would replace the host's root.
				entry("mnt control", Label("control"), nsCase{NS: "mnt", Row: "mnt ns [control: --share mnt --chroot]",
					Share: []string{"mnt"}, Chroot: true, Control: true, NeedRoot: true}),
				entry("uts", isolated("uts")),
				entry("uts control", Label("control"), control("uts")),
				entry("ipc", isolated("ipc")),
				entry("ipc control", Label("control"), control("ipc")),
				entry("net", isolated("net")),
				entry("net control", Label("control"), control("net")),
				entry("cgroup", isolated("cgroup")),
				entry("cgroup control", Label("control"), control("cgroup")),
				entry("user (--userns)", nsCase{NS: "user", Row: "user ns (--userns)", UserNS: true, NeedRoot: true}),
				entry("user (rootless)", Label("rootless"), nsCase{NS: "user", Row: "user ns (--rootless)", Rootless: true}),
				entry("user control", Label("control"), nsCase{NS: "user", Row: "user ns [control: no --userns]", Control: true, NeedRoot: true}),
			)
		})
	}
})

// entry is a table entry with the per-spec timeout every container run has.
func entry(desc string, args ...any) TableEntry {
	return Entry(desc, append([]any{SpecTimeout(45 * time.Second)}, args...)...)
}

func runNS(ctx SpecContext, tn string, c nsCase) {
	cell := matrix.Cell{Area: "ns", Check: c.Row, Target: tn, Control: c.Control}
	e := check.Prepare(ctx, art, cell, c.NeedRoot)
	e.FP.WantHostname = fmt.Sprintf("lc-p%d-%s", GinkgoParallelProcess(), e.FP.Nonce[:8])

	o := target.RunOpts{
		Args:     e.ProbeArgs("ns", "-hold"),
		Hostname: e.FP.WantHostname,
		Share:    c.Share,
		UserNS:   c.UserNS,
		Rootless: c.Rootless,
		Chroot:   c.Chroot,
	}
	if c.NS == "mnt" {
		// The probe's own mount is the instrument of the mnt check: let it
		// mount (CAP_SYS_ADMIN, no seccomp) so the check and its control
		// decide on where that mount shows up, not on a refused mount.
		o.CapAdd = []string{"SYS_ADMIN"}
		o.SeccompUnconfined = true
	}
	if slices.Contains(c.Share, "uts") {
		// Never ask for a hostname while sharing the host's uts namespace:
		// that would rename the host. The control shows the host's name.
		o.Hostname = ""
	}
	src := "lc-probe-" + e.FP.Nonce
	DeferCleanup(namespaces.DetachLeakedMounts, src)
	hs := namespaces.HostSide{HostnameBefore: e.FP.Hostname}
	o.Inspect = namespaces.InspectMount(src, e.Rootfs, &hs)

	res := e.Run(ctx, o)
	after, err := namespaces.RestoreHostname(e.FP.Hostname)
	Expect(err).NotTo(HaveOccurred())
	hs.HostnameAfter, hs.CgroupDirs = after, res.CgroupDirs

	v := check.Judge(res)
	namespaces.Judge(v, c.NS, res.Report, e.FP, hs)
	e.Finish(v)
}
