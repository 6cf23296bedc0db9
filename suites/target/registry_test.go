package target

import (
	"os/exec"
	"reflect"
	"strings"
	"testing"

	"github.com/little-container/little-container/suites/fixtures"
)

func TestNamesDefault(t *testing.T) {
	t.Setenv("LC_TARGETS", "")
	t.Setenv("LC_TARGET_CMD", "")
	got := Names()
	if got[0] != Ours || got[len(got)-1] != "seed" {
		t.Fatalf("Names = %q; want little-container first, seed last", got)
	}
	for _, n := range []string{"runc", "crun", "bwrap"} {
		_, err := exec.LookPath(n)
		if has := strings.Contains(strings.Join(got, ","), n); has != (err == nil) {
			t.Errorf("Names = %q: %s listed %v, installed %v", got, n, has, err == nil)
		}
	}
	t.Setenv("LC_TARGET_CMD", "myrt {cmd}")
	t.Setenv("LC_TARGET_NAME", "student")
	if got := Names(); got[len(got)-1] != "student" {
		t.Errorf("with LC_TARGET_CMD, Names = %q", got)
	}
	t.Setenv("LC_TARGETS", " seed, runc ,")
	if got := Names(); !reflect.DeepEqual(got, []string{"seed", "runc"}) {
		t.Errorf("LC_TARGETS Names = %q", got)
	}
}

func TestNew(t *testing.T) {
	t.Setenv("LC_TARGET_CMD", "")
	a := &fixtures.Artifacts{Runtime: "/lc", Seed: "/seed"}
	for _, n := range []string{Ours, "seed"} {
		if tg, err := New(n, a); err != nil || tg.Name() != n {
			t.Errorf("New(%s) = %v, %v", n, tg, err)
		}
	}
	if _, err := New("seed", &fixtures.Artifacts{SeedErr: "boom"}); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Errorf("New(seed) unbuilt = %v", err)
	}
	if _, err := New("cmd", a); err == nil {
		t.Error("New(cmd) without LC_TARGET_CMD succeeded")
	}
	t.Setenv("LC_TARGET_CMD", "myrt {cmd}")
	if tg, err := New("cmd", a); err != nil || tg.Name() != "cmd" {
		t.Errorf("New(cmd) = %v, %v", tg, err)
	}
	if _, err := New("nope", a); err == nil {
		t.Error("New(nope) succeeded")
	}
}
