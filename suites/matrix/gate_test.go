package matrix

import (
	"strings"
	"testing"
)

func TestGate(t *testing.T) {
	cells := append(sample(),
		Cell{Area: "ns", Check: "net ns", Target: "seed", Status: Fail, Reason: "host listener reached"},
		Cell{Area: "ns", Check: "pid ns", Target: Unknown, Status: Error, Reason: "BeforeSuite failed"},
		Cell{Area: "ns", Check: "pid ns", Target: "bwrap", Status: Pass},
	)
	m := Build(cells)
	// little-container: net FAIL, net control did not fail, escape ERROR; plus the "?" cell.
	if f, n := m.Gate([]string{"little-container"}); f != 4 || n != 1 {
		t.Errorf("Gate(little-container) = %d failing, %d findings; want 4, 1", f, n)
	}
	if f, n := m.Gate([]string{"seed"}); f != 2 || n != 3 {
		t.Errorf("Gate(seed) = %d, %d; want 2, 3", f, n)
	}
	if f, n := m.Gate(nil); f != 5 || n != 0 {
		t.Errorf("Gate(nil) = %d, %d; want 5, 0", f, n)
	}
}

func TestStrictTargets(t *testing.T) {
	t.Setenv("LC_STRICT_TARGETS", "")
	for _, tc := range []struct{ graded, want string }{
		{"", "little-container"},
		{"little-container,runc", "little-container"},
		{"myrt", "myrt"},
		{"seed,bwrap", "seed,bwrap"},
	} {
		if got := strings.Join(StrictTargets(list(tc.graded)), ","); got != tc.want {
			t.Errorf("StrictTargets(%s) = %s, want %s", tc.graded, got, tc.want)
		}
	}
	t.Setenv("LC_STRICT_TARGETS", "little-container, runc")
	if got := StrictTargets([]string{"myrt"}); len(got) != 2 || got[1] != "runc" {
		t.Errorf("StrictTargets() = %q", got)
	}
}

func TestIsStrict(t *testing.T) {
	t.Setenv("LC_STRICT_TARGETS", "")
	t.Setenv("LC_TARGETS", "")
	if !IsStrict("little-container") || IsStrict("seed") || !IsStrict(Unknown) {
		t.Error("default: ours strict, the seed not, an unknown target always")
	}
	t.Setenv("LC_TARGETS", "myrt")
	if !IsStrict("myrt") || IsStrict("little-container") {
		t.Error("a runtime graded alone is strict")
	}
}

// column makes n checks (and n controls) of target t: pass checks pass,
// the rest skipped for why; every control fails as it must.
func column(t string, n, pass int, why string) []Cell {
	var out []Cell
	for i := 0; i < n; i++ {
		c := Cell{Area: "a", Check: "c" + string(rune('a'+i)), Target: t, Status: Pass}
		if i >= pass {
			c.Status, c.Reason = Skipped, why
		}
		out = append(out, c, Cell{Area: "a", Check: c.Check + " [control: x]", Target: t, Control: true, Status: Fail})
	}
	return out
}

func TestJudgeRunsThatProveNothing(t *testing.T) {
	t.Setenv("LC_STRICT_TARGETS", "")
	t.Setenv("LC_TARGETS", "")
	for _, tc := range []struct {
		name  string
		cells []Cell
		ok    bool
		line  string
	}{
		{"green", column("little-container", 10, 9, "no modules"), true,
			"little-container: 0 FAIL of 10 checks, 10/10 controls FAIL as they must, 1 skipped"},
		{"not root", column("little-container", 10, 1, NeedsRoot), false,
			"this run proves nothing: little-container: 9 of 10 checks skipped: not root: only the rootless rows can run; run as root"},
		{"nothing passed", column("little-container", 4, 0, "template has no {cmd}"), false,
			`this run proves nothing: little-container: no check passed (4 of 4 skipped): mostly "template has no {cmd}" (4)`},
		{"controls skipped", func() []Cell {
			cs := column("little-container", 4, 4, "")
			for i := 1; i < len(cs); i += 2 {
				if i > 1 {
					cs[i].Status, cs[i].Reason = Skipped, "template has no placeholder for share"
				}
			}
			return cs
		}(), false, "3 of 4 negative controls skipped, so the checks may be blind"},
	} {
		m := Build(tc.cells)
		j := m.Judge(m.Strict)
		if j.OK() != tc.ok || !strings.Contains(j.Line(""), tc.line) {
			t.Errorf("%s: OK=%v line %q; want %v, containing %q", tc.name, j.OK(), j.Line(""), tc.ok, tc.line)
		}
	}
}

func TestJudgeUsersRuntimeAlone(t *testing.T) {
	t.Setenv("LC_STRICT_TARGETS", "")
	t.Setenv("LC_TARGETS", "myrt")
	cells := column("myrt", 4, 4, "")
	cells[0].Status, cells[0].Reason = Fail, "pid namespace is the host's; more"
	m := Build(cells)
	j := m.Judge(m.Strict)
	line := j.Line("")
	if j.OK() || strings.Contains(line, "little-container") || !strings.HasPrefix(line, "myrt: 1 FAIL of 4 checks") {
		t.Errorf("OK=%v line %q: want myrt judged for what it is, no little-container", j.OK(), line)
	}
	t.Setenv("LC_STRICT_TARGETS", "little-container")
	m = Build(cells)
	if j := m.Judge(m.Strict); j.OK() || !strings.Contains(j.Line(""), "strict target little-container has no cells") {
		t.Errorf("a strict target that was not graded: %q", j.Line(""))
	}
}

func TestJudgeStrictUnknownNeedNotBeGraded(t *testing.T) {
	t.Setenv("LC_STRICT_TARGETS", "little-container 6.1-v2,? 6.1-v2")
	m := Build(column("little-container 6.1-v2", 2, 2, ""))
	if j := m.Judge(m.Strict); !j.OK() {
		t.Errorf("a good relabelled run: %q", j.Line(""))
	}
}
