package security_test

import (
	"os"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/little-container/little-container/suites/check"
	"github.com/little-container/little-container/suites/hostview"
	"github.com/little-container/little-container/suites/matrix"
	"github.com/little-container/little-container/suites/security"
	"github.com/little-container/little-container/suites/target"
)

// kernelCase is one kernel-interface row: a kernelfs list under a
// configuration.
type kernelCase struct {
	Kind    string
	Row     string
	Opts    target.RunOpts
	Control bool
}

// hostSysAt is where the sysfs control binds the host's /sys, writable.
const hostSysAt = "/lc-hostsys"

func kernelCases() []kernelCase {
	unmask := target.RunOpts{Unmask: true}
	rows := []struct {
		kind, row, weakening string
		weak                 target.RunOpts
	}{
		{security.KernelMasked, "kernel: masked paths (OCI and Docker lists, at every proc and sysfs mount)", "--unmask", unmask},
		{security.KernelReadonly, "kernel: read-only paths (OCI list) do not open for writing", "--unmask", unmask},
		{security.KernelSysfs, "kernel: sysfs tunables do not open for writing (every sysfs mount)", "--volume /sys:" + hostSysAt,
			target.RunOpts{Volumes: []target.Volume{{Host: "/sys", Container: hostSysAt}}}},
		{security.KernelInfo, "kernel: root-only host information beyond the lists is not readable", "--unmask", unmask},
	}
	var out []kernelCase
	for _, r := range rows {
		out = append(out, kernelCase{Kind: r.kind, Row: r.row},
			kernelCase{Kind: r.kind, Row: r.row + " [control: " + r.weakening + "]", Opts: r.weak, Control: true})
	}
	return out
}

var _ = Describe("kernel interfaces", Label("security", "kernelfs"), func() {
	check.TablePerTarget("stay out of reach", kernelCases, 60*time.Second, runKernel)
})

func runKernel(ctx SpecContext, tn string, c kernelCase) {
	cell := matrix.Cell{Area: "security", Check: c.Row, Target: tn, Control: c.Control}
	e := check.Prepare(ctx, art, cell, true)
	for _, v := range c.Opts.Volumes {
		Expect(os.MkdirAll(filepath.Join(e.Rootfs, v.Container), 0o755)).To(Succeed())
	}
	present := security.KernelPaths(c.Kind)
	o := c.Opts
	o.Args = e.ProbeArgs("kernelfs", append(security.KernelArgs(c.Kind, present), "-hold")...)
	h := security.KernelHost{Present: present}
	var inspectErr error
	o.Inspect = hostview.Look(&inspectErr, func(pid int) (err error) {
		h.Mounts, err = security.ContainerKernelMounts(pid)
		return err
	})
	res := e.Run(ctx, o)
	v := check.Judge(res)
	switch {
	case hostview.Sandboxed(inspectErr):
		v.Note("%v: the probe's coverage of its proc and sysfs mounts is not cross-checked", inspectErr)
	case inspectErr != nil:
		v.Problem("host side: %v", inspectErr)
	}
	v.Note("host sees in the container: %v", h.Mounts)
	security.JudgeKernel(v, c.Kind, res.Report, h)
	e.Finish(v)
}

// RowName and IsControl make kernelCase a check.Row.
func (c kernelCase) RowName() string { return c.Row }

// IsControl implements check.Row.
func (c kernelCase) IsControl() bool { return c.Control }
