package escape

import (
	"reflect"
	"strings"
	"testing"

	"github.com/little-container/little-container/probes"
)

func TestPlanVariant(t *testing.T) {
	for _, c := range []struct {
		entry, kind, target, mkdir string
	}{
		{"proc", LinkAbsolute, "/tmp/sac/proc", "/tmp/sac/proc"},
		{"proc", LinkRelative, "../sac/proc", "/tmp/sac/proc"},
		{"dev/pts", LinkRelative, "../../sac/dev-pts", "/tmp/sac/dev-pts"},
		{"sys", LinkOwnPath, "/tmp/r/lc-own-sys", "/tmp/r/lc-own-sys"},
		{"dev", LinkDangling, "/tmp/sac/missing-dev", ""},
	} {
		v, err := PlanVariant(c.entry, c.kind, "/tmp/r", "/tmp/sac")
		if err != nil || v.Target != c.target || v.MakeDir != c.mkdir {
			t.Errorf("%s %s: %+v %v", c.entry, c.kind, v, err)
		}
		// Every link points into the sacrificial directory or the rootfs.
		if !strings.Contains(v.Target, "sac") && !strings.HasPrefix(v.Target, "/tmp/r/") {
			t.Errorf("%s %s points elsewhere: %s", c.entry, c.kind, v.Target)
		}
	}
	if _, err := PlanVariant("proc", "sideways", "/tmp/r", "/tmp/sac"); err == nil {
		t.Error("unknown kind accepted")
	}
}

func TestChanged(t *testing.T) {
	got := Changed([]string{"proc/", "dev/"}, []string{"dev/", "dev/null (device)", "dev/fd@"})
	want := []string{"created dev/fd@", "created dev/null (device)", "removed proc/"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Changed = %v", got)
	}
}

func TestDegraded(t *testing.T) {
	rep := func(as ...probes.Attempt) *probes.Report { return &probes.Report{Attempts: as} }
	held := probes.Attempt{Name: "masked:/proc/keys", Value: "/proc/keys", Outcome: probes.Failed}
	neverHeld := probes.Attempt{Name: "masked:/proc/interrupts", Value: "/proc/interrupts", Outcome: probes.Succeeded}
	plain := rep(held, neverHeld)
	variant := rep(held, neverHeld,
		probes.Attempt{Name: "masked:/lc-own-proc/keys", Value: "/proc/keys", Outcome: probes.Succeeded, Detail: "read 4 bytes"},
		probes.Attempt{Name: "masked:/lc-own-proc/interrupts", Value: "/proc/interrupts", Outcome: probes.Succeeded})
	got := Degraded("masked", plain, variant)
	if len(got) != 1 || !strings.Contains(got[0], "/proc/keys at /lc-own-proc/keys") {
		t.Errorf("Degraded = %v", got)
	}
}
