package matrix

import (
	"bytes"
	"strings"
	"testing"
)

func sample() []Cell {
	return []Cell{
		{Area: "ns", Check: "pid ns", Target: "little-container", Status: Pass},
		{Area: "ns", Check: "pid ns [control: --share pid]", Target: "little-container", Status: Fail, Control: true, Reason: "sentinel reachable"},
		{Area: "ns", Check: "net ns", Target: "little-container", Status: Fail, Reason: "host TCP listener reached", Evidence: []string{"net-tcp-host succeeded"}},
		{Area: "ns", Check: "net ns [control: --share net]", Target: "little-container", Status: Pass, Control: true},
		{Area: "ns", Check: "user ns (rootless)", Target: "little-container", Status: Skipped, Reason: "needs root"},
		{Area: "escape", Check: "chroot climb", Target: "little-container", Status: Error, Reason: "report incomplete"},
		{Area: "ns", Check: "pid ns", Target: "runc", Status: Skipped, Reason: "not installed"},
	}
}

func TestLabels(t *testing.T) {
	cases := []struct {
		c         Cell
		label     string
		good, bad bool
	}{
		{Cell{Status: Pass}, "pass", true, false},
		{Cell{Status: Fail, Reason: "leak"}, "FAIL (leak)", false, true},
		{Cell{Status: Fail, Control: true}, "control failed as expected", true, false},
		{Cell{Status: Pass, Control: true}, "CONTROL DID NOT FAIL", false, true},
		{Cell{Status: Error, Control: true, Reason: "crash"}, "ERROR (crash)", false, true},
		{Cell{Status: Skipped, Reason: "needs root"}, "skipped (needs root)", false, false},
	}
	for _, tc := range cases {
		if got := tc.c.Label(); got != tc.label {
			t.Errorf("Label(%+v) = %q, want %q", tc.c, got, tc.label)
		}
		if tc.c.Good() != tc.good || tc.c.Bad() != tc.bad {
			t.Errorf("%+v: Good=%v Bad=%v, want %v %v", tc.c, tc.c.Good(), tc.c.Bad(), tc.good, tc.bad)
		}
	}
}

func TestBuildCountsAndOrder(t *testing.T) {
	m := Build(sample())
	want := Counts{Pass: 1, Fail: 1, Error: 1, Skipped: 2, ControlsFailed: 1, ControlsNotFailed: 1}
	if m.Counts != want {
		t.Fatalf("Counts = %+v, want %+v", m.Counts, want)
	}
	if m.Counts.Bad() != 3 {
		t.Fatalf("Bad = %d, want 3", m.Counts.Bad())
	}
	var order []string
	for _, r := range m.Rows {
		order = append(order, r.Check)
	}
	wantOrder := "chroot climb|net ns|net ns [control: --share net]|pid ns|pid ns [control: --share pid]|user ns (rootless)"
	if got := strings.Join(order, "|"); got != wantOrder {
		t.Fatalf("rows = %s\nwant   %s", got, wantOrder)
	}
	if strings.Join(m.Targets, ",") != "little-container,runc" {
		t.Fatalf("targets = %v", m.Targets)
	}
}

func TestBuildKeepsWorseDuplicate(t *testing.T) {
	m := Build([]Cell{
		{Area: "ns", Check: "x", Target: "t", Status: Pass},
		{Area: "ns", Check: "x", Target: "t", Status: Fail},
		{Area: "ns", Check: "x", Target: "t", Status: Skipped},
	})
	if c := m.Rows[0].Cells["t"]; c.Status != Fail {
		t.Fatalf("kept %v, want FAIL", c.Status)
	}
}

func TestText(t *testing.T) {
	var b bytes.Buffer
	if err := Build(sample()).Text(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"AREA", "little-container", "runc",
		// Several targets: short cells, skip reasons listed under the table.
		"failed as expected", "CONTROL DID NOT FAIL", "skipped:", "user ns (rootless) / little-container: needs root",
		"FAIL (host TCP listener reached)", "- net-tcp-host succeeded",
		"1 pass, 1 FAIL, 1 ERROR, 2 skipped; controls: 1 failed as expected, 1 DID NOT FAIL",
		"  runc: 0 pass, 0 FAIL, 0 ERROR, 1 skipped",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text lacks %q:\n%s", want, out)
		}
	}
}

func TestTextOneTargetKeepsReasons(t *testing.T) {
	var b bytes.Buffer
	if err := Build([]Cell{{Area: "ns", Check: "user ns", Target: "little-container", Status: Skipped, Reason: "needs root"}}).Text(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "skipped (needs root)") {
		t.Errorf("one-column table lost the reason:\n%s", b.String())
	}
}

func TestStrictTargetFirst(t *testing.T) {
	m := Build([]Cell{
		{Area: "a", Check: "x", Target: "runc", Status: Pass},
		{Area: "a", Check: "x", Target: "bwrap", Status: Pass},
		{Area: "a", Check: "x", Target: "little-container", Status: Pass},
	})
	if got := strings.Join(m.Targets, ","); got != "little-container,bwrap,runc" {
		t.Errorf("targets %s, want ours first then by name", got)
	}
}

func TestMarkdownAndJSONRoundTrip(t *testing.T) {
	m := Build(sample())
	var md bytes.Buffer
	if err := m.Markdown(&md); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| area | check | little-container | runc |", "|---|---|---|---|",
		"**CONTROL DID NOT FAIL**", "<details>"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("markdown lacks %q:\n%s", want, md.String())
		}
	}
	var js bytes.Buffer
	if err := m.JSON(&js); err != nil {
		t.Fatal(err)
	}
	cells, err := ReadJSON(&js)
	if err != nil {
		t.Fatal(err)
	}
	if again := Build(cells); again.Counts != m.Counts || len(again.Rows) != len(m.Rows) {
		t.Fatalf("round trip changed the matrix: %+v vs %+v", again.Counts, m.Counts)
	}
}

func TestMarkdownEscapesPipes(t *testing.T) {
	var b bytes.Buffer
	_ = Build([]Cell{{Area: "a", Check: "x|y", Target: "t", Status: Pass}}).Markdown(&b)
	if !strings.Contains(b.String(), `x\|y`) {
		t.Fatalf("pipe not escaped:\n%s", b.String())
	}
}

func TestVerdict(t *testing.T) {
	var v Verdict
	if v.Status() != Pass {
		t.Fatal("empty verdict is not a pass")
	}
	v.Skip("no time ns")
	if v.Status() != Skipped {
		t.Fatal("skip not honoured")
	}
	v.Leak("sentinel %d reachable", 42)
	if c := v.Apply(Cell{Control: true}); c.Status != Fail || c.Reason != "sentinel 42 reachable" || !c.Good() {
		t.Fatalf("leak verdict = %+v", c)
	}
	v.Problem("mountinfo unreadable")
	if c := v.Apply(Cell{Control: true}); c.Status != Fail || !c.Good() {
		t.Fatalf("leak with an undecided part = %+v; the leak decides", c)
	}
	v.Broken("report incomplete")
	if c := v.Apply(Cell{Control: true}); c.Status != Error || !c.Bad() {
		t.Fatalf("broken verdict = %+v; a broken run must be bad even with leaks", c)
	}
	var u Verdict
	u.Problem("cgroup-self unreadable")
	if c := u.Apply(Cell{}); c.Status != Error {
		t.Fatalf("undecidable check = %+v, want ERROR", c)
	}
}
