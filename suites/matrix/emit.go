package matrix

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/hashicorp/go-multierror"
	"github.com/onsi/ginkgo/v2/types"
)

// ReportDir is where matrices are written: $LC_REPORT_DIR or ./reports.
func ReportDir() string {
	if d := os.Getenv("LC_REPORT_DIR"); d != "" {
		return d
	}
	return "reports"
}

// Emit is the body of a suite's ReportAfterSuite: it builds the matrix from
// the report, prints the table to w and writes matrix-<suite>.{md,json}
// under ReportDir. It appends the Markdown to $GITHUB_STEP_SUMMARY unless
// LC_MATRIX_COMBINED is set (scripts/verify then writes one combined summary).
func Emit(r types.Report, suite string, w io.Writer) error {
	m := Build(FromReport(r))
	fmt.Fprintf(w, "\nIsolation matrix (%s)\n", suite)
	var errs *multierror.Error
	if err := m.Text(w); err != nil {
		errs = multierror.Append(errs, err)
	}
	if err := WriteFiles(m, ReportDir(), "matrix-"+suite); err != nil {
		errs = multierror.Append(errs, err)
	}
	if os.Getenv("LC_MATRIX_COMBINED") == "" {
		if err := AppendStepSummary(m); err != nil {
			errs = multierror.Append(errs, err)
		}
	}
	return errs.ErrorOrNil()
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
