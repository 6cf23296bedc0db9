// Command lc-matrix merges the per-suite matrices (matrix-*.json) in a
// report directory into one isolation matrix, prints it, writes
// matrix.md/matrix.json beside them, appends it to $GITHUB_STEP_SUMMARY when
// set, and exits 1 if any cell is bad (a leak, an error, or a control that
// did not fail), 2 if there was nothing to read.
package main

import (
	"fmt"
	"os"
	"path/filepath"

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
	if status == 0 && m.Counts.Bad() > 0 {
		status = 1
	}
	return status
}
