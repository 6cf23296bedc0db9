package matrix

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/hashicorp/go-multierror"
	"github.com/onsi/ginkgo/v2/types"
)

// Environment of a suite run that scripts/verify sets.
const (
	// ReportDirEnv is where matrices are written (default ./reports).
	ReportDirEnv = "LC_REPORT_DIR"
	// CombinedEnv, when set, says lc-matrix will print one combined
	// matrix: a suite then prints none of its own and leaves the step
	// summary alone.
	CombinedEnv = "LC_MATRIX_COMBINED"
	// ProgressEnv names a file each suite appends one progress line to
	// when it ends (scripts/verify prints them as they come).
	ProgressEnv = "LC_PROGRESS"
)

// ReportDir is where matrices are written: $LC_REPORT_DIR or ./reports.
func ReportDir() string {
	if d := os.Getenv(ReportDirEnv); d != "" {
		return d
	}
	return "reports"
}

// SuiteRun is how one suite ran: its specs and its wall time.
type SuiteRun struct {
	Name    string  `json:"name"`
	Specs   int     `json:"specs"` // specs that were to run
	Total   int     `json:"total"` // specs in the suite
	Passed  int     `json:"passed"`
	Failed  int     `json:"failed"`
	Skipped int     `json:"skipped"`
	Seconds float64 `json:"seconds"`
}

// Progress is the suite's one progress line.
func (s SuiteRun) Progress() string {
	done := min(s.Passed+s.Failed+s.Skipped, s.Specs) // label-filtered specs count as skipped
	line := fmt.Sprintf("%-10s %3d/%d specs  %5.1f s", s.Name, done, s.Specs, s.Seconds)
	if s.Failed > 0 {
		// A gating target's FAIL fails its spec too: not always a broken one.
		line += fmt.Sprintf("  (%d specs failed: the bad cells below, or the suite's log)", s.Failed)
	}
	return line
}

// RunOf summarises a suite report.
func RunOf(r types.Report, suite string) SuiteRun {
	s := SuiteRun{Name: suite, Specs: r.PreRunStats.SpecsThatWillRun, Total: r.PreRunStats.TotalSpecs, Seconds: r.RunTime.Seconds()}
	for _, sr := range r.SpecReports {
		if sr.LeafNodeType != types.NodeTypeIt {
			continue
		}
		switch {
		case sr.State.Is(types.SpecStatePassed):
			s.Passed++
		case sr.State.Is(types.SpecStateFailureStates):
			s.Failed++
		case sr.State.Is(types.SpecStateSkipped | types.SpecStatePending):
			s.Skipped++
		}
	}
	return s
}

// Emit is the body of a suite's ReportAfterSuite: it builds the matrix
// from the report and writes matrix-<suite>.{md,json} under ReportDir.
// Unless LC_MATRIX_COMBINED is set (scripts/verify then prints one
// combined matrix and summary), it prints the table to w and appends the
// Markdown to $GITHUB_STEP_SUMMARY. With LC_PROGRESS set it appends the
// suite's progress line there.
func Emit(r types.Report, suite string, w io.Writer) error {
	m := Build(FromReport(r))
	run := RunOf(r, suite)
	m.Suites = []SuiteRun{run}
	var errs *multierror.Error
	if err := WriteFiles(m, ReportDir(), "matrix-"+suite); err != nil {
		errs = multierror.Append(errs, err)
	}
	if os.Getenv(CombinedEnv) == "" {
		fmt.Fprintf(w, "\nIsolation matrix (%s)\n", suite)
		if err := m.Text(w, TextOptions{Glyphs: TerminalGlyphs()}); err != nil {
			errs = multierror.Append(errs, err)
		}
		fmt.Fprintln(w, m.Judge(m.Strict).Line(""))
		if err := AppendStepSummary(m); err != nil {
			errs = multierror.Append(errs, err)
		}
	}
	if p := os.Getenv(ProgressEnv); p != "" {
		if err := appendLine(p, run.Progress()); err != nil {
			errs = multierror.Append(errs, err)
		}
	}
	return errs.ErrorOrNil()
}

// TerminalGlyphs picks the marks for the locale: UTF-8 or ASCII
// (LC_MATRIX_ASCII=1 forces ASCII).
func TerminalGlyphs() Glyphs {
	if os.Getenv("LC_MATRIX_ASCII") == "" && LocaleIsUTF8(os.Getenv) {
		return UTF8
	}
	return ASCII
}

// WriteFiles writes <dir>/<base>.md and <dir>/<base>.json.
func WriteFiles(m *Matrix, dir, base string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("report dir %s: %w", dir, err)
	}
	var errs *multierror.Error
	for ext, render := range map[string]func(io.Writer) error{".md": m.Markdown, ".json": m.JSON} {
		if err := writeFile(filepath.Join(dir, base+ext), render); err != nil {
			errs = multierror.Append(errs, err)
		}
	}
	return errs.ErrorOrNil()
}

// AppendStepSummary appends the Markdown to $GITHUB_STEP_SUMMARY, if set.
func AppendStepSummary(m *Matrix) error {
	p := os.Getenv("GITHUB_STEP_SUMMARY")
	if p == "" {
		return nil
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("step summary %s: %w", p, err)
	}
	if err := m.Markdown(f); err != nil {
		f.Close()
		return fmt.Errorf("step summary %s: %w", p, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("step summary %s: %w", p, err)
	}
	return nil
}

func writeFile(path string, render func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	if err := render(f); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", path, err)
	}
	return nil
}

// appendLine appends one line to path; a single short write with
// O_APPEND, so lines of suites ending together do not interleave.
func appendLine(path, line string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("progress %s: %w", path, err)
	}
	_, err = f.WriteString(line + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("progress %s: %w", path, err)
	}
	return nil
}
