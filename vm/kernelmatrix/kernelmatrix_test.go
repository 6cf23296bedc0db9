package kernelmatrix

import (
	"bytes"
	"strings"
	"testing"

	"github.com/little-container/little-container/suites/matrix"
)

func cell(check, status string, control bool) matrix.Cell {
	return matrix.Cell{Area: "security", Check: check, Target: "little-container", Status: matrix.Status(status), Control: control, Reason: "why"}
}

func TestRelabel(t *testing.T) {
	in := []matrix.Cell{cell("devices", "pass", false)}
	out := Relabel(in, "6.12/v2")
	if out[0].Target != "little-container 6.12/v2" {
		t.Errorf("target %q", out[0].Target)
	}
	if in[0].Target != "little-container" {
		t.Error("Relabel changed its input")
	}
}

func TestDifferences(t *testing.T) {
	runs := []Run{{Label: "6.1/v2"}, {Label: "6.12/v2"}}
	cells := map[string][]matrix.Cell{
		"6.1/v2": {
			cell("seccomp", "pass", false),
			cell("bpf", "skipped", false),
			cell("devices", "FAIL", true),
			cell("only-old", "pass", false),
		},
		"6.12/v2": {
			cell("seccomp", "pass", false),
			cell("bpf", "pass", false),
			cell("devices", "FAIL", true),
		},
	}
	diffs := Differences(runs, cells)
	var got []string
	for _, d := range diffs {
		got = append(got, d.Check)
	}
	if strings.Join(got, ",") != "bpf,only-old" {
		t.Fatalf("differences %q, want bpf and only-old", got)
	}
	line := diffs[0].String()
	for _, want := range []string{"bpf", "6.1/v2: skipped (why)", "6.12/v2: pass"} {
		if !strings.Contains(line, want) {
			t.Errorf("%q lacks %q", line, want)
		}
	}
	if !strings.Contains(diffs[1].String(), "6.12/v2: not run") {
		t.Errorf("a missing cell is not shown: %s", diffs[1])
	}
	var b bytes.Buffer
	if err := WriteDifferences(&b, runs, diffs); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b.String(), "2 checks differ between 6.1/v2, 6.12/v2:\n- ") {
		t.Errorf("text:\n%s", b.String())
	}
	b.Reset()
	if err := WriteDifferences(&b, runs, nil); err != nil || !strings.Contains(b.String(), "same verdict") {
		t.Errorf("no differences: %q %v", b.String(), err)
	}
}

func TestParseRun(t *testing.T) {
	r, err := ParseRun("6.1/hybrid=/r/6.1-hybrid")
	if err != nil || r.Label != "6.1/hybrid" || r.Dir != "/r/6.1-hybrid" {
		t.Errorf("got %+v, %v", r, err)
	}
	for _, bad := range []string{"", "x", "=d", "l="} {
		if _, err := ParseRun(bad); err == nil {
			t.Errorf("ParseRun(%q) accepted", bad)
		}
	}
}
