package matrix

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

func sample() []Cell {
	return []Cell{
		{Area: "ns", Check: "pid ns", Target: "little-container", Status: Pass},
		{Area: "ns", Check: "pid ns [control: --share pid]", Target: "little-container", Status: Fail, Control: true, Reason: "sentinel reachable"},
		{Area: "ns", Check: "net ns", Target: "little-container", Status: Fail, Reason: "host TCP listener reached", Evidence: []string{"net-tcp-host succeeded"}},
		{Area: "ns", Check: "net ns [control: --share net]", Target: "little-container", Status: Pass, Control: true},
		{Area: "ns", Check: "user ns (rootless)", Target: "little-container", Status: Skipped, Reason: "needs root"},
		{Area: "escape", Check: "escape: chroot climb", Target: "little-container", Status: Error, Reason: "report incomplete"},
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

func TestRowName(t *testing.T) {
	for _, tc := range []struct {
		c    Cell
		want string
	}{
		{Cell{Area: "security", Check: "security: seccomp [control: --seccomp unconfined]"}, "seccomp"},
		{Cell{Area: "security", Check: "security: seccomp"}, "seccomp"},
		{Cell{Area: "ns", Check: "pid ns [control: --share pid]"}, "pid ns"},
		{Cell{Area: "cgroup", Check: "pids: fork bomb [control: no --pids-max]", Row: "pids"}, "pids"},
	} {
		if got := tc.c.RowName(); got != tc.want {
			t.Errorf("RowName(%q) = %q, want %q", tc.c.Check, got, tc.want)
		}
	}
}

func TestBuildFoldsControlsAndCounts(t *testing.T) {
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
		order = append(order, r.Area+"/"+r.Name)
	}
	if got, want := strings.Join(order, "|"), "escape/chroot climb|ns/net ns|ns/pid ns|ns/user ns (rootless)"; got != want {
		t.Fatalf("rows = %s\nwant   %s", got, want)
	}
	pid := m.Rows[2]
	if pid.Checks["little-container"].Status != Pass || pid.Controls["little-container"].Status != Fail ||
		pid.ControlCheck != "pid ns [control: --share pid]" {
		t.Fatalf("pid row = %+v", pid)
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
	if c := m.Rows[0].Checks["t"]; c.Status != Fail {
		t.Fatalf("kept %v, want FAIL", c.Status)
	}
}

func TestColumnOrder(t *testing.T) {
	cells := []Cell{
		{Area: "a", Check: "x", Target: "zz-mine", Status: Pass},
		{Area: "a", Check: "x", Target: "podman", Status: Pass},
		{Area: "a", Check: "x", Target: "bwrap", Status: Pass},
		{Area: "a", Check: "x", Target: "runc", Status: Pass},
		{Area: "a", Check: "x", Target: "little-container", Status: Pass},
	}
	t.Setenv("LC_STRICT_TARGETS", "")
	t.Setenv("LC_TARGETS", "")
	if got := strings.Join(Build(cells).Targets, ","); got != "little-container,runc,bwrap,podman,zz-mine" {
		t.Errorf("targets %s, want ours first, then the known order, then by name", got)
	}
	t.Setenv("LC_TARGETS", "little-container,podman,zz-mine,bwrap,runc")
	if got := strings.Join(Build(cells).Targets, ","); got != "little-container,podman,zz-mine,bwrap,runc" {
		t.Errorf("targets %s, want LC_TARGETS' order", got)
	}
}

// ten is a matrix of the ten columns issue 11 names, each cell's mark
// different, with the rows the suites have and a bad cell in each column.
func ten() []Cell {
	targets := []string{"little-container", "runc", "crun", "bwrap", "seed", "gvisor", "nspawn", "lxc", "firejail", "podman"}
	rows := []struct{ area, check string }{
		{"ns", "pid ns"}, {"ns", "user ns (--rootless)"}, {"escape", "escape: setns-inherited-fd"},
		{"security", "security: open-by-handle"}, {"cgroup", "memory: --memory 32M OOM-kills the container (exit 137)"},
	}
	var out []Cell
	for i, t := range targets {
		for j, r := range rows {
			st := []Status{Pass, Fail, Error, Skipped}[(i+j)%4]
			out = append(out, Cell{Area: r.area, Check: r.check, Target: t, Status: st, Reason: "why " + t + strings.Repeat(" and more", 20)},
				Cell{Area: r.area, Check: r.check + " [control: --share everything and more]", Target: t, Control: true, Status: Fail})
		}
	}
	return out
}

func TestTextFitsTenTargets(t *testing.T) {
	for _, g := range []Glyphs{UTF8, ASCII} {
		var b bytes.Buffer
		if err := Build(ten()).Text(&b, TextOptions{Glyphs: g}); err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(b.String(), "\n") {
			if n := utf8.RuneCountInString(l); n > 100 {
				t.Errorf("line of %d columns:\n%s", n, l)
			}
		}
		if g == ASCII {
			for _, r := range b.String() {
				if r > 127 {
					t.Fatalf("ASCII table has %q:\n%s", r, b.String())
				}
			}
		}
	}
}

func TestText(t *testing.T) {
	var b bytes.Buffer
	if err := Build(sample()).Text(&b, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"little-container  runc", "escape\n  chroot climb", "  pid ns  ", "✓✓", "✗✗", "!·", "–·",
		"good ", "bad ", "skipped ", "a control that did not FAIL",
		"bad cells of little-container (these fail the run):",
		"  ✗ little-container net ns: host TCP listener reached",
		"  ✗ little-container net ns (control): the control did not FAIL",
		"  ! little-container chroot climb: ERROR: report incomplete",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "net-tcp-host succeeded") {
		t.Errorf("quiet text carries evidence:\n%s", out)
	}
	b.Reset()
	_ = Build(sample()).Text(&b, TextOptions{Verbose: true})
	if !strings.Contains(b.String(), "- net-tcp-host succeeded") {
		t.Errorf("verbose text lacks the evidence:\n%s", b.String())
	}
}

func TestGreenTextSaysNothingOfFailure(t *testing.T) {
	cells := []Cell{
		{Area: "ns", Check: "pid ns", Target: "little-container", Status: Pass},
		{Area: "ns", Check: "pid ns [control: --share pid]", Target: "little-container", Status: Fail, Control: true},
		{Area: "ns", Check: "pid ns", Target: "seed", Status: Fail, Reason: "sentinel reachable"},
	}
	m := Build(cells)
	var b bytes.Buffer
	_ = m.Text(&b, TextOptions{})
	out := b.String() + m.Judge(m.Strict).Line("reports/latest/")
	// FAIL is a verdict's name; any other form of the word speaks of a
	// failure a green run does not have.
	if strings.Contains(strings.ReplaceAll(out, "FAIL", ""), "ail") || strings.Contains(out, "FAILED") {
		t.Errorf("a green run speaks of failure:\n%s", out)
	}
	if !strings.Contains(out, "findings about other runtimes (1; they do not gate this run)") {
		t.Errorf("finding not listed:\n%s", out)
	}
}

func TestLocaleIsUTF8(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want bool
	}{
		{map[string]string{}, false},
		{map[string]string{"LANG": "C.UTF-8"}, true},
		{map[string]string{"LANG": "en_US.utf8"}, true},
		{map[string]string{"LANG": "en_US.UTF-8", "LC_ALL": "C"}, false},
		{map[string]string{"LANG": "C", "LC_CTYPE": "de_DE.UTF-8"}, true},
	} {
		if got := LocaleIsUTF8(func(k string) string { return tc.env[k] }); got != tc.want {
			t.Errorf("LocaleIsUTF8(%v) = %v", tc.env, got)
		}
	}
}

func TestMarkdownAndJSONRoundTrip(t *testing.T) {
	m := Build(sample())
	m.Suites = []SuiteRun{{Name: "ns", Specs: 7, Passed: 7, Seconds: 1.5}}
	var md bytes.Buffer
	if err := m.Markdown(&md); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| area | check | little-container | runc |", "|---|---|:-:|:-:|",
		"| ns | net ns | **✗✗** |", "<details>", "little-container: 1 FAIL, 1 ERROR of 4 checks"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("markdown lacks %q:\n%s", want, md.String())
		}
	}
	var js bytes.Buffer
	if err := m.JSON(&js); err != nil {
		t.Fatal(err)
	}
	d, err := ReadDoc(&js)
	if err != nil {
		t.Fatal(err)
	}
	again := FromDoc(d)
	if again.Counts != m.Counts || len(again.Rows) != len(m.Rows) || len(again.Suites) != 1 {
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

func TestREADME(t *testing.T) {
	m := Build(sample())
	m.Meta = &Meta{Date: "2026-12-01T10:00:00Z", OS: "Debian GNU/Linux 12 (bookworm)", Kernel: "6.18.0", Cgroup: "hybrid", CPUs: 2}
	var b bytes.Buffer
	if err := m.README(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Measured 2026-12-01 on Debian GNU/Linux 12 (bookworm), kernel 6.18.0, cgroup hybrid, 2 cores, as root; columns: little-container, runc.",
		"| ns | pid ns | ✓✓ | –· |"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("README lacks %q:\n%s", want, b.String())
		}
	}
}

func TestDiff(t *testing.T) {
	old := Build(sample())
	cells := sample()
	cells[2].Status, cells[2].Reason = Pass, ""                                            // net ns fixed
	cells = append(cells[:5], cells[6:]...)                                                // chroot climb gone
	cells = append(cells, Cell{Area: "ns", Check: "uts ns", Target: "runc", Status: Pass}) // new
	changes := Diff(old, Build(cells))
	var got []string
	for _, c := range changes {
		got = append(got, c.String())
	}
	want := []string{
		"- escape chroot climb / little-container: gone (was ERROR): report incomplete",
		"~ ns net ns / little-container: FAIL → pass",
		"+ ns uts ns / runc: new: pass",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("diff:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !changes[1].Better {
		t.Errorf("a fixed leak is not marked better")
	}
}

func TestTimes(t *testing.T) {
	a := &Matrix{Suites: []SuiteRun{{Name: "cgroups", Seconds: 20}, {Name: "ns", Seconds: 5}}}
	b := &Matrix{Suites: []SuiteRun{{Name: "cgroups", Seconds: 4}, {Name: "ns", Seconds: 5}}}
	out := Times([]string{"all", "one"}, []*Matrix{a, b})
	for _, want := range []string{"run 1: all", "cgroups         20.0 s     4.0 s    0.20", "all suites      25.0 s     9.0 s    0.36"} {
		if !strings.Contains(out, want) {
			t.Errorf("times lacks %q:\n%s", want, out)
		}
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
