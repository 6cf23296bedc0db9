// Package check is the common life of one isolation check inside a Ginkgo
// spec: skip when privilege or the target is missing, lay out a rootfs and
// host fingerprints with cleanups, run the probe through the target, and
// finally record the cell and assert it — a check must pass, a negative
// control must FAIL. Every skip and error is recorded so the matrix counts it.
package check

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"

	"github.com/little-container/little-container/probes"
	"github.com/little-container/little-container/suites/fixtures"
	"github.com/little-container/little-container/suites/matrix"
	"github.com/little-container/little-container/suites/target"
)

// Env is one prepared check.
type Env struct {
	Target target.Target
	Rootfs string
	FP     *probes.Fingerprints
	Cell   matrix.Cell
}

// Prepare skips (recorded) when root is needed and missing or the target is
// unavailable, then creates a rootfs and host fingerprints, each with its
// DeferCleanup. Call it at the start of a spec.
func Prepare(ctx context.Context, art *fixtures.Artifacts, cell matrix.Cell, needRoot bool) *Env {
	GinkgoHelper()
	if needRoot && os.Geteuid() != 0 {
		matrix.Skip(cell, "needs root")
	}
	t, err := target.New(cell.Target, art)
	if err != nil {
		matrix.Skip(cell, err.Error())
	}
	// Registered first, so it runs last: after the spec has judged what
	// the runtime left, nothing of its bundle cgroups stays.
	DeferCleanup(target.SweepBundleCgroups)
	rootfs, rmRootfs, err := fixtures.NewRootfs(art.Probe)
	if err != nil {
		fail(cell, "rootfs: %v", err)
	}
	DeferCleanup(rmRootfs)
	fp, rmFP, err := fixtures.HostFingerprints(ctx)
	if err != nil {
		fail(cell, "host fingerprints: %v", err)
	}
	DeferCleanup(rmFP)
	return &Env{Target: t, Rootfs: rootfs, FP: fp, Cell: cell}
}

// ProbeArgs is the in-container argv of probe name with the fingerprints.
func (e *Env) ProbeArgs(name string, flags ...string) []string {
	return append([]string{fixtures.ProbeInRootfs, name, "--fp", e.FP.Encode()}, flags...)
}

// Run runs o (Rootfs filled in) on the target. A knob the target cannot
// express skips; a run that could not be made or inspected is recorded as
// ERROR and fails the spec. The result is returned for judging either way
// a report exists.
func (e *Env) Run(ctx context.Context, o target.RunOpts) *target.Result {
	GinkgoHelper()
	if o.Rootfs == "" {
		o.Rootfs = e.Rootfs
	}
	if ok, why := target.Supports(e.Target, o); !ok {
		matrix.Skip(e.Cell, why)
	}
	res, err := e.Target.Run(ctx, o)
	if errors.Is(err, target.ErrUnsupported) {
		matrix.Skip(e.Cell, err.Error())
	}
	if err != nil {
		c := e.Cell
		c.Evidence = resultEvidence(res)
		fail(c, "run: %v", err)
	}
	return res
}

// Judge starts a verdict from a result: an undecodable report makes the
// run broken (never a pass, never a control that failed as expected), and the run's command line, exit status and stderr tail
// become evidence.
//
// A runtime that exits non-zero before the probe printed anything is
// broken by the runtime, not by the probe: its headline is the runtime's
// exit status and its own stderr.
func Judge(res *target.Result) *matrix.Verdict {
	v := &matrix.Verdict{Evidence: resultEvidence(res)}
	if res.Found != "" {
		v.Note("%s", res.Found)
	}
	switch {
	case res.DecodeErr == nil:
	case RuntimeFailed(res):
		v.Broken("%s", RuntimeFailure(res))
	default:
		v.Broken("probe report: %v", res.DecodeErr)
	}
	return v
}

// RuntimeFailed says the runtime exited non-zero and the probe printed
// nothing: no report, and the probe never announced its start.
func RuntimeFailed(res *target.Result) bool {
	return res.ExitCode != 0 && len(bytes.TrimSpace(res.Stdout)) == 0 && !res.Started
}

// RuntimeFailure is the headline of such a run: the runtime's exit status
// and the last lines of its stderr.
func RuntimeFailure(res *target.Result) string {
	prog := res.Runtime
	if prog == "" && len(res.Argv) > 0 {
		prog = filepath.Base(res.Argv[0])
	}
	s := strings.Join(strings.Fields(string(res.Stderr)), " ")
	if s == "" {
		s = "(nothing on stderr)"
	}
	if len(s) > 300 {
		s = "…" + s[len(s)-300:]
	}
	return fmt.Sprintf("%s exited %d before the probe started: %s", prog, res.ExitCode, s)
}

// Finish records the cell and settles the spec by it (matrix.Settle): a
// check must pass, a negative control must FAIL — for a strict target; a
// bad cell of another target is a finding, not a failed spec. A skip
// verdict skips the spec.
func (e *Env) Finish(v *matrix.Verdict) {
	GinkgoHelper()
	c := v.Apply(e.Cell)
	if c.Status == matrix.Skipped {
		matrix.Skip(e.Cell, c.Reason)
	}
	matrix.Settle(c)
}

// fail records an ERROR cell and ends the spec (matrix.Abort).
func fail(c matrix.Cell, format string, a ...any) {
	GinkgoHelper()
	matrix.Abort(c, fmt.Sprintf(format, a...))
}

func resultEvidence(res *target.Result) []string {
	if res == nil {
		return nil
	}
	ev := []string{fmt.Sprintf("argv: %s", ShortArgv(res.Argv)), fmt.Sprintf("exit: %d", res.ExitCode)}
	if s := strings.TrimSpace(string(res.Stderr)); s != "" {
		if len(s) > 600 {
			s = "…" + s[len(s)-600:]
		}
		ev = append(ev, "stderr: "+s)
	}
	return ev
}

// ShortArgv elides the long --fp blob so evidence stays readable.
func ShortArgv(argv []string) string {
	out := make([]string, len(argv))
	for i, a := range argv {
		if i > 0 && argv[i-1] == "--fp" && len(a) > 16 {
			a = a[:12] + "…"
		}
		out[i] = a
	}
	return strings.Join(out, " ")
}
