package escape_test

import (
	"os"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/little-container/little-container/suites/fixtures"
	"github.com/little-container/little-container/suites/matrix"
)

func TestEscape(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Escape resistance")
}

var art *fixtures.Artifacts

var _ = SynchronizedBeforeSuite(func(ctx SpecContext) []byte {
	a, cleanup, err := fixtures.BuildArtifacts(ctx)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(cleanup)
	return a.Marshal()
}, func(b []byte) {
	var err error
	art, err = fixtures.UnmarshalArtifacts(b)
	Expect(err).NotTo(HaveOccurred())
}, NodeTimeout(3*time.Minute))

var _ = ReportAfterSuite("isolation matrix", func(r Report) {
	Expect(matrix.Emit(r, "escape", os.Stdout)).To(Succeed())
})
