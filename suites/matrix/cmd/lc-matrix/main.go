// Command lc-matrix merges the per-suite matrices (matrix-*.json) in a
// report directory into one isolation matrix, prints it, writes
// matrix.md/matrix.json beside them, appends it to $GITHUB_STEP_SUMMARY when
// set. It exits 1 if a cell of a strict target (LC_STRICT_TARGETS, default
// little-container) is bad (a leak, an error, or a control that did not
// fail), 2 if there was nothing to read, 3 if only other targets have bad
// cells: findings about those runtimes, which scripts/verify reports without
// failing.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/little-container/little-container/suites/matrix"
)

func main() {
	dir := matrix.ReportDir()
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	os.Exit(run(dir))
}

func run(dir string) int {
	files, err := filepath.Glob(filepath.Join(dir, "matrix-*.json"))
	if err != nil || len(files) == 0 {
		fmt.Fprintf(os.Stderr, "lc-matrix: no matrix-*.json in %s\n", dir)
		return 2
	}
	var cells []matrix.Cell
	for _, p := range files {
		f, err := os.Open(p)
		if err != nil {
			fmt.Fprintf(os.Stderr, "lc-matrix: %v\n", err)
			return 2
		}
		cs, err := matrix.ReadJSON(f)
		f.Close()
		if err != nil {
			fmt.Fprintf(os.Stderr, "lc-matrix: %s: %v\n", p, err)
			return 2
		}
		cells = append(cells, cs...)
	}
	m := matrix.Build(cells)
	fmt.Println("\nIsolation matrix")
	status := 0
	if err := m.Text(os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "lc-matrix: %v\n", err)
		status = 2
	}
	if err := matrix.WriteFiles(m, dir, "matrix"); err != nil {
		fmt.Fprintf(os.Stderr, "lc-matrix: %v\n", err)
		status = 2
	}
	if err := matrix.AppendStepSummary(m); err != nil {
		fmt.Fprintf(os.Stderr, "lc-matrix: %v\n", err)
		status = 2
	}
	strict := matrix.StrictTargets()
	failing, findings := m.Gate(strict)
	fmt.Printf("gate (%s): %d bad cells; findings about other targets: %d\n", strings.Join(strict, ","), failing, findings)
	switch {
	case status != 0:
	case failing > 0:
		status = 1
	case findings > 0:
		status = 3
	}
	return status
}
