// Command lc-vm-matrix merges the matrices of several VM runs for
// scripts/verify-vm:
//
//	lc-vm-matrix OUTDIR LABEL=RUNDIR...
//
// It writes each run's cells, their targets renamed "<target> <label>", as
// OUTDIR/matrix-vm-<n>.json, for lc-matrix to print and gate as one matrix,
// and prints (and writes to OUTDIR/differences.md, and appends to
// $GITHUB_STEP_SUMMARY) the checks whose verdict differs between runs.
// Exit status: 0, or 2 when a run left no matrix or a file could not be
// written.
package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/little-container/little-container/vm/kernelmatrix"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	if len(args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: lc-vm-matrix OUTDIR LABEL=RUNDIR...")
		return 2
	}
	out := args[0]
	var runs []kernelmatrix.Run
	for _, a := range args[1:] {
		r, err := kernelmatrix.ParseRun(a)
		if err != nil {
			fmt.Fprintln(os.Stderr, "lc-vm-matrix:", err)
			return 2
		}
		runs = append(runs, r)
	}
	status := 0
	diffs, err := kernelmatrix.Merge(out, runs)
	if err != nil {
		fmt.Fprintln(os.Stderr, "lc-vm-matrix:", err)
		status = 2
	}
	var b bytes.Buffer
	if err := kernelmatrix.WriteDifferences(&b, runs, diffs); err != nil {
		fmt.Fprintln(os.Stderr, "lc-vm-matrix:", err)
		return 2
	}
	if b.Len() == 0 {
		return status
	}
	fmt.Print("\n", b.String())
	if err := os.WriteFile(filepath.Join(out, "differences.md"), b.Bytes(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "lc-vm-matrix:", err)
		status = 2
	}
	if p := os.Getenv("GITHUB_STEP_SUMMARY"); p != "" {
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err == nil {
			_, err = fmt.Fprintf(f, "\n### Differences between kernels and layouts\n\n%s", b.String())
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "lc-vm-matrix: step summary:", err)
			status = 2
		}
	}
	return status
}
