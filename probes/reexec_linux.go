package probes

// Re-exec protocol used by escape and memhog.
//
// Some attempts change or may kill the whole process: chroot and fchdir
// change every thread's root and working directory, and a memory hog is
// meant to be OOM-killed. Those run in a fresh copy of this binary so the
// parent stays intact to write the report:
//
//	/proc/self/exe probe <child> --fp <fingerprints> [flags...]
//
// argv[0] is the fixed word "probe" (not a probe name, so Main dispatches on
// argv[1]); <child> is an ordinary registered probe whose name ends in
// "-child" ("escape-child", "memhog-child") and which the usage text marks
// as internal. A child prints one Report through Main like any probe; the
// parent decodes it with Decode and copies the child's attempts into its own
// report. The memhog child also prints progress lines ("touched N") before
// its report, because when it is OOM-killed no report follows.
//
// The parent never passes its own state implicitly: fingerprints travel in
// --fp, the working directory is set explicitly where it matters (cmd.Dir),
// and file descriptors only through ExtraFiles (they arrive as 3, 4, ...).

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

// selfExe names this binary for re-exec. /proc/self/exe works even when the
// binary lies outside the process's root; without /proc, argv[0] is the
// best remaining guess.
func selfExe() (string, error) {
	const proc = "/proc/self/exe"
	if _, err := os.Stat(proc); err == nil {
		return proc, nil
	}
	p, err := exec.LookPath(os.Args[0])
	if err != nil {
		return "", fmt.Errorf("find own binary (no %s): %w", proc, err)
	}
	return p, nil
}

// childCommand prepares a re-exec of this binary as probe child with the
// given fingerprints and flags. The caller sets Dir, ExtraFiles and Stdout
// as the attempt needs, then runs it.
func childCommand(ctx context.Context, child string, fp *Fingerprints, args ...string) (*exec.Cmd, error) {
	self, err := selfExe()
	if err != nil {
		return nil, err
	}
	argv := append([]string{child, "--fp", fp.Encode()}, args...)
	cmd := exec.CommandContext(ctx, self, argv...)
	cmd.Args[0] = "probe"
	cmd.Env = []string{} // nothing from our environment leaks into the child
	// An explicit empty stdin: left nil, os/exec opens /dev/null, which a
	// hermetic rootfs may not have.
	cmd.Stdin = bytes.NewReader(nil)
	cmd.WaitDelay = time.Second
	return cmd, nil
}

// runChildReport runs cmd to completion and decodes the child's report.
// A child that prints no complete report is an error carrying its stderr.
func runChildReport(cmd *exec.Cmd) (*Report, error) {
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	runErr := cmd.Run()
	rep, err := Decode(out.Bytes())
	if err == nil {
		return rep, nil
	}
	msg := strings.TrimSpace(errb.String())
	if runErr != nil {
		return nil, fmt.Errorf("child %s: %w (stderr %q)", strings.Join(cmd.Args[:2], " "), runErr, msg)
	}
	return nil, fmt.Errorf("child %s: %w (stderr %q)", strings.Join(cmd.Args[:2], " "), err, msg)
}

// errChildNoAttempt is returned when a child's report lacks the attempt the
// parent asked it to make.
var errChildNoAttempt = errors.New("probes: child report lacks the attempt")

// childAttempt returns the named attempt from a child's report.
func childAttempt(rep *Report, name string) (Attempt, error) {
	a, ok := rep.Attempt(name)
	if !ok {
		return Attempt{}, fmt.Errorf("%w %q", errChildNoAttempt, name)
	}
	return a, nil
}

// holdBudget is how long -hold may wait so that a probe started at start
// still reports before its deadline, leaving margin for clean-up; never
// more than max.
func holdBudget(start time.Time, deadline, max time.Duration) time.Duration {
	left := deadline - time.Since(start) - 3*time.Second
	if left > max {
		left = max
	}
	if left < 0 {
		left = 0
	}
	return left
}

// recordValue is Report.Record that also sets the machine-readable Value.
func recordValue(r *Report, name string, err error, detail, value string) {
	r.Record(name, err, detail)
	r.Attempts[len(r.Attempts)-1].Value = value
}
