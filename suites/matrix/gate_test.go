package matrix

import "testing"

func TestGate(t *testing.T) {
	cells := append(sample(),
		Cell{Area: "ns", Check: "net ns", Target: "seed", Status: Fail, Reason: "host listener reached"},
		Cell{Area: "ns", Check: "pid ns", Target: "?", Status: Error, Reason: "BeforeSuite failed"},
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
	if got := StrictTargets(); len(got) != 1 || got[0] != DefaultStrict {
		t.Errorf("StrictTargets() = %q", got)
	}
	t.Setenv("LC_STRICT_TARGETS", "little-container, runc")
	if got := StrictTargets(); len(got) != 2 || got[1] != "runc" {
		t.Errorf("StrictTargets() = %q", got)
	}
}
