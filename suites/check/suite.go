package check

import (
	"os"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/little-container/little-container/suites/fixtures"
	"github.com/little-container/little-container/suites/matrix"
)

// Suite registers the nodes every isolation suite shares and returns the
// artifacts they will hold: process 1 builds the probe and the runtimes
// once (removed when the suite ends) and hands the paths to every parallel
// process (or takes them prebuilt from $LC_ARTIFACTS_DIR); after the
// suite, its matrix cells are emitted under name. Call
// it at package level: var art = check.Suite("escape").
func Suite(name string) *fixtures.Artifacts {
	art := &fixtures.Artifacts{}
	SynchronizedBeforeSuite(func(ctx SpecContext) []byte {
		if dir := os.Getenv(fixtures.PrebuiltEnv); dir != "" {
			a, err := fixtures.Prebuilt(dir)
			Expect(err).NotTo(HaveOccurred())
			return a.Marshal()
		}
		a, cleanup, err := fixtures.BuildArtifacts(ctx)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(cleanup)
		return a.Marshal()
	}, func(b []byte) {
		a, err := fixtures.UnmarshalArtifacts(b)
		Expect(err).NotTo(HaveOccurred())
		*art = *a
	}, NodeTimeout(3*time.Minute))
	ReportAfterSuite("isolation matrix", func(r Report) {
		Expect(matrix.Emit(r, name, os.Stdout)).To(Succeed())
	})
	return art
}
