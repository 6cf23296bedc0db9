package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/little-container/little-container/suites/matrix"
)

// suite writes one suite's matrix-<name>.json into dir.
func suite(t *testing.T, dir, name string, cells ...matrix.Cell) {
	t.Helper()
	m := matrix.Build(cells)
	m.Suites = []matrix.SuiteRun{{Name: name, Specs: len(cells), Passed: len(cells), Seconds: 1}}
	if err := matrix.WriteFiles(m, dir, "matrix-"+name); err != nil {
		t.Fatal(err)
	}
}

func good(target string) []matrix.Cell {
	return []matrix.Cell{
		{Area: "ns", Check: "pid ns", Target: target, Status: matrix.Pass},
		{Area: "ns", Check: "pid ns [control: --share pid]", Target: target, Status: matrix.Fail, Control: true},
	}
}

func lcMatrix(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String() + errb.String()
}

func TestShow(t *testing.T) {
	t.Setenv("LC_TARGETS", "")
	t.Setenv("LC_STRICT_TARGETS", "")
	t.Setenv("GITHUB_STEP_SUMMARY", filepath.Join(t.TempDir(), "summary.md"))
	dir := t.TempDir()
	suite(t, dir, "ns", append(good("little-container"), matrix.Cell{Area: "ns", Check: "pid ns", Target: "seed", Status: matrix.Fail, Reason: "sentinel reachable"})...)
	code, out := lcMatrix(t, "-reports", "reports/x/", dir)
	if code != 0 || !strings.Contains(out, "little-container: 0 FAIL of 1 checks") || !strings.Contains(out, "1 findings about 1 other runtime") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	for _, f := range []string{"matrix.json", "matrix.md", "matrix.html"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("%s not written: %v", f, err)
		}
	}
	if b, _ := os.ReadFile(os.Getenv("GITHUB_STEP_SUMMARY")); !strings.Contains(string(b), "| ns | pid ns | ✓✓ | **✗·** |") {
		t.Errorf("step summary:\n%s", b)
	}
	if code, out := lcMatrix(t, "-suites-exit", "1", dir); code != 1 || !strings.Contains(out, "the run broke: Ginkgo exited 1") {
		t.Errorf("suites failed without a cell to show for it: exit %d\n%s", code, out)
	}

	bad := t.TempDir()
	suite(t, bad, "ns", matrix.Cell{Area: "ns", Check: "pid ns", Target: "little-container", Status: matrix.Skipped, Reason: matrix.NeedsRoot})
	if code, out := lcMatrix(t, bad); code != 1 || !strings.Contains(out, "this run proves nothing: little-container: no check passed (1 of 1 skipped): not root") {
		t.Errorf("a run that proves nothing: exit %d\n%s", code, out)
	}
	if code, out := lcMatrix(t, t.TempDir()); code != 2 || !strings.Contains(out, "no matrix-*.json") {
		t.Errorf("nothing to read: exit %d\n%s", code, out)
	}
}

func TestDiffAndReadme(t *testing.T) {
	t.Setenv("LC_TARGETS", "")
	t.Setenv("LC_STRICT_TARGETS", "")
	root := t.TempDir()
	t.Setenv("LC_REPORTS", root)
	old, newer := filepath.Join(root, "20261130-100000"), filepath.Join(root, "20261201-100000")
	suite(t, old, "ns", good("runc")...)
	fixed := good("runc")
	fixed[1].Status = matrix.Pass
	suite(t, newer, "ns", fixed...)
	for _, d := range []string{old, newer} {
		if code, out := lcMatrix(t, d); code == 2 {
			t.Fatalf("merge %s: %s", d, out)
		}
	}
	code, out := lcMatrix(t, "diff")
	if code != 1 || !strings.Contains(out, "1 cells changed") || !strings.Contains(out, "~ ns pid ns (control) / runc: FAIL → pass") {
		t.Errorf("diff of the last two runs: exit %d\n%s", code, out)
	}
	if code, out := lcMatrix(t, "diff", old, old); code != 0 || !strings.Contains(out, "0 cells changed") {
		t.Errorf("diff of a run with itself: exit %d\n%s", code, out)
	}
	code, out = lcMatrix(t, "readme", newer)
	if code != 0 || !strings.Contains(out, "| area | check | runc |") || !strings.Contains(out, "| ns | pid ns | **✓✗** |") {
		t.Errorf("readme: exit %d\n%s", code, out)
	}
	code, out = lcMatrix(t, "times", old, newer)
	if code != 0 || !strings.Contains(out, "ns               1.0 s     1.0 s    1.00") {
		t.Errorf("times: exit %d\n%s", code, out)
	}
}
