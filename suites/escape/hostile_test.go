package escape_test

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/little-container/little-container/probes"
	"github.com/little-container/little-container/suites/check"
	"github.com/little-container/little-container/suites/escape"
	"github.com/little-container/little-container/suites/fixtures"
	"github.com/little-container/little-container/suites/hostview"
	"github.com/little-container/little-container/suites/matrix"
	"github.com/little-container/little-container/suites/security"
	"github.com/little-container/little-container/suites/target"
)

// hostileRow is one row: the rootfs entries made symlinks (each in every
// link kind), and, for entries a runtime only touches when asked to put
// something there, a volume below them that makes it resolve the path.
type hostileRow struct {
	Name    string
	Entries []string
	Volume  string
}

var hostileRows = []hostileRow{
	{Name: "proc", Entries: []string{"proc"}},
	{Name: "sys", Entries: []string{"sys"}},
	{Name: "dev, dev/pts, dev/shm", Entries: []string{"dev", "dev/pts", "dev/shm"}},
	{Name: "tmp", Entries: []string{"tmp"}, Volume: "/tmp/lc-data"},
	{Name: "etc", Entries: []string{"etc"}, Volume: "/etc/lc-data"},
}

var _ = Describe("hostile rootfs", Label("escape", "hostile"), func() {
	for _, tn := range target.Names() {
		Context("on "+tn, func() {
			for _, r := range hostileRows {
				name := "escape: hostile rootfs: " + r.Name + " as symlinks (absolute, relative, own host path, dangling)"
				if r.Volume != "" {
					name += " with a volume at " + r.Volume
				}
				It(name, SpecTimeout(3*time.Minute), func(ctx SpecContext) {
					runHostile(ctx, tn, name, r, false)
				})
				ctl := name + " [control: --unsafe-follow-rootfs-links]"
				It(ctl, Label("control"), SpecTimeout(3*time.Minute), func(ctx SpecContext) {
					runHostile(ctx, tn, ctl, r, true)
				})
			}
		})
	}
})

// runHostile runs the probe in every variant of the row and judges each:
// nothing may be created, removed or mounted outside the rootfs (the
// sacrificial directory is listed before and after, the host's mount table
// read while the probe holds and after), and either the runtime refuses
// the rootfs (a pass) or the container's masked and read-only paths still
// hold at every proc and sysfs mount it has.
func runHostile(ctx SpecContext, tn, row string, r hostileRow, control bool) {
	cell := matrix.Cell{Area: "escape", Check: row, Target: tn, Control: control}
	e := check.Prepare(ctx, art, cell, true)
	base := target.RunOpts{FollowRootfsLinks: control}
	if r.Volume != "" {
		base.Volumes = []target.Volume{{Container: r.Volume, Host: "/"}}
	}
	if ok, why := target.Supports(e.Target, base); !ok {
		matrix.Skip(cell, why)
	}
	args := append(security.KernelArgs(security.KernelMasked, security.KernelPaths(security.KernelMasked)),
		security.KernelArgs(security.KernelReadonly, security.KernelPaths(security.KernelReadonly))...)
	v := &matrix.Verdict{}
	// The same runtime on a plain rootfs first: the hostile rootfs is
	// judged by what it switches off, not by what the runtime never masks.
	plain := base
	plain.Rootfs, plain.Args = e.Rootfs, append(e.ProbeArgs("kernelfs"), args...)
	if r.Volume != "" {
		plain.Volumes = []target.Volume{{Host: hostileData(), Container: r.Volume}}
	}
	res := e.Run(ctx, plain)
	if res.DecodeErr != nil {
		v.Problem("on a plain rootfs the probe did not report (exit %d): %v", res.ExitCode, res.DecodeErr)
		e.Finish(v)
		return
	}
	for _, entry := range r.Entries {
		for _, kind := range escape.LinkKinds {
			hostileVariant(ctx, e, v, r, entry, kind, base, append(args, "-hold"), res.Report)
		}
	}
	e.Finish(v)
}

// hostileData is a fresh sacrificial directory for a row's volume.
func hostileData() string {
	GinkgoHelper()
	data, err := os.MkdirTemp("", "lc-vol-")
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(fixtures.RemoveRootfs, data)
	return data
}

func hostileVariant(ctx SpecContext, e *check.Env, v *matrix.Verdict, r hostileRow, entry, kind string, base target.RunOpts,
	args []string, plain *probes.Report) {
	GinkgoHelper()
	rootfs, rmRootfs, err := fixtures.NewRootfs(art.Probe)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(rmRootfs)
	sac, err := os.MkdirTemp("", "lc-sac-")
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(fixtures.RemoveRootfs, sac)
	variant, err := escape.PlanVariant(entry, kind, rootfs, sac)
	Expect(err).NotTo(HaveOccurred())
	Expect(escape.ApplyVariant(rootfs, variant)).To(Succeed())
	before, err := escape.Listing(sac)
	Expect(err).NotTo(HaveOccurred())

	o := base
	o.Rootfs = rootfs
	o.Args = append(e.ProbeArgs("kernelfs"), args...)
	if r.Volume != "" {
		o.Volumes = []target.Volume{{Host: hostileData(), Container: r.Volume}}
	}
	var during []string
	var kernelMounts []string
	var hostErr error
	o.Inspect = hostview.Look(&hostErr, func(pid int) (err error) {
		during, err = escape.HostMountsOutside(sac, rootfs)
		if err != nil {
			return err
		}
		kernelMounts, err = security.ContainerKernelMounts(pid)
		return err
	})
	res, runErr := e.Target.Run(ctx, o)
	label := variant.String()
	// The row checked its knobs already: an unsupported run now is the
	// runtime refusing this rootfs (a profile's known refusal).
	refusedKnown := errors.Is(runErr, target.ErrUnsupported)
	after, err := escape.Listing(sac)
	Expect(err).NotTo(HaveOccurred())
	for _, c := range escape.Changed(before, after) {
		v.Leak("%s: %s in the sacrificial directory %s, outside the rootfs", label, c, sac)
	}
	left, err := escape.HostMountsOutside(sac, rootfs)
	Expect(err).NotTo(HaveOccurred())
	for _, m := range append(during, left...) {
		v.Leak("%s: mounted on the host at %s", label, m)
	}
	switch {
	case refusedKnown:
		v.Note("%s: refused: %v", label, runErr)
	case runErr != nil && res == nil:
		v.Problem("%s: run: %v", label, runErr)
	case res.DecodeErr != nil && res.ExitCode != 0:
		v.Note("%s: refused (exit %d: %s)", label, res.ExitCode, firstLine(res.Stderr))
	case res.DecodeErr != nil:
		v.Problem("%s: exit 0 without a report: %v", label, res.DecodeErr)
	default:
		switch {
		case hostview.Sandboxed(hostErr):
			v.Note("%s: %v: the probe's coverage of its mounts is not cross-checked", label, hostErr)
		case hostErr != nil:
			v.Problem("%s: host side: %v", label, hostErr)
		}
		if a, ok := res.Report.Attempt("kernelfs-mounts"); ok {
			seen := strings.Split(a.Value, "\n")
			for _, m := range kernelMounts {
				if !security.KernelMountCovered(seen, m) {
					v.Problem("%s: the host sees %q in the container, the probe did not cover it", label, m)
				}
			}
		}
		for _, kind := range []string{security.KernelMasked, security.KernelReadonly} {
			lost := escape.Degraded(kind, plain, res.Report)
			for _, l := range lost {
				v.Leak("%s: ran, and %s (%s on a plain rootfs)", label, l, "held")
			}
			if len(lost) == 0 {
				v.Note("%s: ran; every %s path held on the plain rootfs still holds", label, kind)
			}
		}
		v.Note("%s: the container's proc and sysfs mounts: %s", label, strings.Join(kernelMounts, "; "))
	}
}

func firstLine(b []byte) string {
	s := strings.TrimSpace(string(b))
	if i := strings.LastIndex(s, "\n"); i >= 0 {
		s = s[i+1:]
	}
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return fmt.Sprintf("%q", s)
}
