package escape_test

import (
	"os"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/little-container/little-container/suites/check"
	"github.com/little-container/little-container/suites/escape"
	"github.com/little-container/little-container/suites/hostview"
	"github.com/little-container/little-container/suites/matrix"
	"github.com/little-container/little-container/suites/target"
)

// hostRootAt is where the control binds the host's /, read-only.
const hostRootAt = "/lc-host"

var _ = Describe("host filesystems inside the container", Label("escape", "hostfs"), func() {
	row := "escape: host filesystems (every mount is the rootfs, the runtime's own or a declared volume)"
	cases := []struct {
		row     string
		opts    target.RunOpts
		control bool
	}{
		{row: row},
		{row: row + " [control: --volume /:" + hostRootAt + ":ro]", control: true,
			opts: target.RunOpts{Volumes: []target.Volume{{Host: "/", Container: hostRootAt, ReadOnly: true}}}},
	}
	for _, tn := range target.Names() {
		Context("on "+tn, func() {
			for _, c := range cases {
				labels := Labels{}
				if c.control {
					labels = append(labels, "control")
				}
				It(c.row, labels, SpecTimeout(60*time.Second), func(ctx SpecContext) {
					runHostFS(ctx, tn, c.row, c.opts, c.control)
				})
			}
		})
	}
})

func runHostFS(ctx SpecContext, tn, row string, opts target.RunOpts, control bool) {
	cell := matrix.Cell{Area: "escape", Check: row, Target: tn, Control: control}
	e := check.Prepare(ctx, art, cell, true)
	mkMountPoints(e.Rootfs, opts.Volumes)
	acct, err := hostview.AccountingFor(e.Rootfs, nil, "canary", e.FP.CanaryPath)
	if err != nil {
		matrix.Skip(cell, "host side: "+err.Error())
	}
	o := opts
	o.Args = e.ProbeArgs("hold")
	var findings []hostview.Finding
	var readErr error
	o.Inspect = hostview.Look(&readErr, func(pid int) (err error) {
		findings, err = hostview.AccountMounts(pid, acct)
		return err
	})
	res := e.Run(ctx, o)
	v := check.Judge(res)
	if hostview.HostSide(v, readErr) {
		escape.JudgeHostFS(v, findings, nil)
	}
	e.Finish(v)
}

// mkMountPoints makes each volume's mount point in the rootfs, so that
// every runtime finds a directory to mount on.
func mkMountPoints(rootfs string, vols []target.Volume) {
	GinkgoHelper()
	for _, v := range vols {
		Expect(os.MkdirAll(filepath.Join(rootfs, v.Container), 0o755)).To(Succeed())
	}
}
