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
//
// Process 1 also snapshots the host nodes a careless runtime may change
// (GuardedPaths) before the first spec and compares them after the last:
// a run that changed the host fails the suite, naming what changed.
func Suite(name string) *fixtures.Artifacts {
	art := &fixtures.Artifacts{}
	var hostBefore map[string]NodeState
	SynchronizedBeforeSuite(func(ctx SpecContext) []byte {
		var err error
		hostBefore, err = SnapshotHost()
		Expect(err).NotTo(HaveOccurred())
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
	SynchronizedAfterSuite(func() {}, func() {
		if hostBefore == nil {
			return
		}
		after, err := SnapshotHost()
		Expect(err).NotTo(HaveOccurred())
		Expect(HostChanges(hostBefore, after)).To(BeEmpty(),
			"a runtime under test changed the host's own nodes during this suite (restore them by hand)")
	})
	ReportAfterSuite("isolation matrix", func(r Report) {
		Expect(matrix.Emit(r, name, os.Stdout)).To(Succeed())
	})
	return art
}
