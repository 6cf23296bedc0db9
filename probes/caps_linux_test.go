package probes

import (
	"os/exec"
	"slices"
	"testing"

	"github.com/little-container/little-container/runtime/capability"
)

// TestCapsOnHostShowsRoot is the caps probe's negative control: run as root
// on the host, without any container, it must report CAP_SYS_ADMIN held.
func TestCapsOnHostShowsRoot(t *testing.T) {
	reexecRequireRoot(t)
	b, err := ReadFileRaw("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	own, err := capability.ParseMask(ParseStatus(string(b))["CapEff"])
	if err != nil {
		t.Fatal(err)
	}
	if !own.Has(21) {
		t.Skip("this test process holds no CAP_SYS_ADMIN")
	}
	bin := reexecBuildProbe(t)
	rep := reexecRunProbe(t, exec.Command(bin, "caps"))
	for _, set := range []string{"cap-eff", "cap-prm", "cap-bnd"} {
		if a := reexecAttempt(t, rep, set); a.Outcome != Succeeded || !slices.Contains(SplitCaps(a.Value), "CAP_SYS_ADMIN") {
			t.Errorf("%s on the host: %+v, want CAP_SYS_ADMIN", set, a)
		}
	}
	if a := reexecAttempt(t, rep, "uid"); a.Value != "0/0" {
		t.Errorf("uid = %q, want 0/0", a.Value)
	}
	for _, n := range []string{"no-new-privs", "seccomp-mode", "cap-inh", "cap-amb", "gid"} {
		if a := reexecAttempt(t, rep, n); a.Outcome != Succeeded {
			t.Errorf("%s: %+v, want succeeded", n, a)
		}
	}
}
