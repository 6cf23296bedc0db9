package security_test

import (
	"os"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/little-container/little-container/suites/check"
	"github.com/little-container/little-container/suites/fixtures"
	"github.com/little-container/little-container/suites/matrix"
	"github.com/little-container/little-container/suites/security"
	"github.com/little-container/little-container/suites/target"
)

// The expectations are the harness's own: a runtime whose default
// capability set grows by one capability (here runc, on a bundle whose
// default sets carry CAP_SYS_ADMIN besides the OCI defaults) must FAIL the
// capabilities check, naming it. Were the expectation read from the
// runtime's defaults, it would move with the bug and pass.
var _ = Describe("the harness's own expectations", Label("security"), func() {
	It("FAILs a runtime whose default capability set grew", SpecTimeout(60*time.Second), func(ctx SpecContext) {
		if os.Geteuid() != 0 {
			Skip("needs root")
		}
		p, err := target.Shipped("runc")
		Expect(err).NotTo(HaveOccurred())
		if err := p.Resolve(nil); err != nil {
			Skip(err.Error())
		}
		for _, set := range []string{"bounding", "effective", "permitted"} {
			p.OCI.Edits = append(p.OCI.Edits, target.OCIEdit{Op: "append", Path: "/process/capabilities/" + set, Value: "CAP_SYS_ADMIN"})
		}
		rootfs, rm, err := fixtures.NewRootfs(art.Probe)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(rm)
		fp, rmFP, err := fixtures.HostFingerprints(ctx)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(rmFP)

		res, err := p.Run(ctx, target.RunOpts{Rootfs: rootfs, Args: []string{fixtures.ProbeInRootfs, "caps", "--fp", fp.Encode()}})
		Expect(err).NotTo(HaveOccurred())
		v := check.Judge(res)
		security.Judge(v, security.Caps, security.Reports{Caps: res.Report}, false, security.Host{})
		AddReportEntry("verdict", v.Apply(matrix.Cell{Area: "security", Check: "capabilities (a grown default)", Target: "runc"}).String())
		Expect(v.Status()).To(Equal(matrix.Fail))
		Expect(strings.Join(v.Leaks, "; ")).To(ContainSubstring("CAP_SYS_ADMIN"))
	})
})
