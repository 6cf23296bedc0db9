// Command lc-matrix is the isolation matrix's report tool.
//
//	lc-matrix [-v] [-ascii|-utf8] [-width N] [-reports SHOWN] [DIR]
//	    merge the per-suite matrices (DIR/matrix-*.json; DIR defaults to
//	    $LC_REPORT_DIR or reports/latest) into DIR/matrix.{json,md,html},
//	    append the Markdown to $GITHUB_STEP_SUMMARY when set, print the
//	    compact matrix, one line per bad cell and the verdict line
//	lc-matrix diff [OLD [NEW]]
//	    what changed between two runs (run directories or matrix.json
//	    files; default: the two newest runs under $LC_REPORTS or reports)
//	lc-matrix readme [RUN]
//	    the README's table, generated from RUN's matrix.json (default
//	    reports/latest)
//	lc-matrix times RUN...
//	    each suite's wall time in each run, with the ratio to the first
//
// Exit status: 0 the run is good; 1 a strict target (LC_STRICT_TARGETS;
// default little-container when graded, else the graded targets) has a
// bad cell — a leak, an error or a control that did not fail — or its
// column proves nothing (no check passed, most checks or controls
// skipped), or diff found changes; 2 nothing could be read or written.
// A bad cell of another target is a finding about that runtime: printed,
// never a failure here.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"

	"github.com/little-container/little-container/suites/matrix"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "diff":
			return diff(args[1:], stdout, stderr)
		case "readme":
			return readme(args[1:], stdout, stderr)
		case "times":
			return times(args[1:], stdout, stderr)
		}
	}
	return show(args, stdout, stderr)
}

// reportsRoot is where run directories live: $LC_REPORTS or reports.
func reportsRoot() string {
	if r := os.Getenv("LC_REPORTS"); r != "" {
		return r
	}
	return "reports"
}

func show(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("lc-matrix", flag.ContinueOnError)
	fs.SetOutput(stderr)
	verbose := fs.Bool("v", os.Getenv("LC_VERBOSE") == "1", "print the evidence of every bad cell")
	ascii := fs.Bool("ascii", false, "ASCII marks whatever the locale")
	utf := fs.Bool("utf8", false, "UTF-8 marks whatever the locale")
	width := fs.Int("width", 0, "line width (default: the terminal's, at most 120; else 100)")
	shown := fs.String("reports", "", "how the verdict line names the report directory (default DIR)")
	var problems multi
	suitesExit := fs.Int("suites-exit", 0, "the suites' exit status: non-zero without a strict target's bad cell breaks the run")
	fs.Var(&problems, "problem", "something that broke outside the cells (repeatable): the run is not good")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	dir := os.Getenv(matrix.ReportDirEnv)
	if fs.NArg() > 0 {
		dir = fs.Arg(0)
	}
	if dir == "" {
		dir = filepath.Join(reportsRoot(), "latest")
	}
	m, err := matrix.MergeDir(dir)
	if err != nil {
		fmt.Fprintf(stderr, "lc-matrix: %v\n", err)
		return 2
	}
	m.Meta = matrix.HostMeta()
	m.Meta.Command = os.Getenv("LC_COMMAND")
	status := 0
	if err := writeAll(m, dir); err != nil {
		fmt.Fprintf(stderr, "lc-matrix: %v\n", err)
		status = 2
	}
	o := matrix.TextOptions{Glyphs: matrix.TerminalGlyphs(), Verbose: *verbose, Width: *width}
	switch {
	case *ascii:
		o.Glyphs = matrix.ASCII
	case *utf:
		o.Glyphs = matrix.UTF8
	}
	if f, ok := stdout.(*os.File); ok && isTerminal(f) {
		o.Color = os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"
		if o.Width == 0 {
			if ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ); err == nil && ws.Col > 0 {
				o.Width = min(int(ws.Col), 120)
			}
		}
	}
	if err := m.Text(stdout, o); err != nil {
		fmt.Fprintf(stderr, "lc-matrix: %v\n", err)
		status = 2
	}
	if *shown == "" {
		*shown = dir + "/"
	}
	j := m.Judge(m.Strict)
	j.Problems = problems
	j.SuitesExited(*suitesExit, *shown+"ginkgo.log")
	fmt.Fprintln(stdout, j.Line(*shown))
	if status == 0 && !j.OK() {
		status = 1
	}
	return status
}

// writeAll writes matrix.{json,md,html} in dir and the step summary.
func writeAll(m *matrix.Matrix, dir string) error {
	var errs []error
	if err := matrix.WriteFiles(m, dir, "matrix"); err != nil {
		errs = append(errs, err)
	}
	p := filepath.Join(dir, "matrix.html")
	f, err := os.Create(p)
	if err == nil {
		err = m.HTML(f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		errs = append(errs, fmt.Errorf("%s: %w", p, err))
	}
	if err := matrix.AppendStepSummary(m); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// multi is a repeatable string flag.
type multi []string

func (m *multi) String() string     { return fmt.Sprint(*m) }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

func isTerminal(f *os.File) bool {
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

func diff(args []string, stdout, stderr io.Writer) int {
	var old, newer string
	switch len(args) {
	case 0, 1:
		runs, err := matrix.Runs(reportsRoot())
		if err != nil {
			fmt.Fprintf(stderr, "lc-matrix diff: %v\n", err)
			return 2
		}
		if len(args) == 1 {
			old = args[0]
			if len(runs) == 0 {
				fmt.Fprintf(stderr, "lc-matrix diff: no run under %s to compare %s with\n", reportsRoot(), old)
				return 2
			}
			newer = runs[len(runs)-1]
			break
		}
		if len(runs) < 2 {
			fmt.Fprintf(stderr, "lc-matrix diff: %d runs under %s; need two (or name them: lc-matrix diff OLD NEW)\n", len(runs), reportsRoot())
			return 2
		}
		old, newer = runs[len(runs)-2], runs[len(runs)-1]
	case 2:
		old, newer = args[0], args[1]
	default:
		fmt.Fprintln(stderr, "usage: lc-matrix diff [OLD [NEW]]")
		return 2
	}
	a, err := matrix.Load(old)
	if err != nil {
		fmt.Fprintf(stderr, "lc-matrix diff: %v\n", err)
		return 2
	}
	b, err := matrix.Load(newer)
	if err != nil {
		fmt.Fprintf(stderr, "lc-matrix diff: %v\n", err)
		return 2
	}
	changes := matrix.Diff(a, b)
	fmt.Fprintf(stdout, "%s → %s: %d cells changed\n", old, newer, len(changes))
	for _, c := range changes {
		fmt.Fprintln(stdout, c)
	}
	if len(changes) > 0 {
		return 1
	}
	return 0
}

func readme(args []string, stdout, stderr io.Writer) int {
	src := filepath.Join(reportsRoot(), "latest")
	if len(args) > 0 {
		src = args[0]
	}
	m, err := matrix.Load(src)
	if err != nil {
		fmt.Fprintf(stderr, "lc-matrix readme: %v\n", err)
		return 2
	}
	if err := m.README(stdout); err != nil {
		fmt.Fprintf(stderr, "lc-matrix readme: %v\n", err)
		return 2
	}
	return 0
}

func times(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: lc-matrix times RUN...")
		return 2
	}
	var runs []*matrix.Matrix
	for _, a := range args {
		m, err := matrix.Load(a)
		if err != nil {
			fmt.Fprintf(stderr, "lc-matrix times: %v\n", err)
			return 2
		}
		runs = append(runs, m)
	}
	fmt.Fprint(stdout, matrix.Times(args, runs))
	return 0
}
