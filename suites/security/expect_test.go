package security

import (
	"slices"
	"testing"

	"github.com/little-container/little-container/runtime"
	"github.com/little-container/little-container/runtime/capability"
)

// The runtime's defaults must meet the harness's expectations, which are
// written from the references, not read from the runtime: a drift in
// either shows here, and in the matrix as a FAIL.
func TestRuntimeDefaultsMeetExpectations(t *testing.T) {
	var want capability.Set
	for _, n := range ExpectedCaps {
		c, err := capability.Parse(n)
		if err != nil {
			t.Fatalf("ExpectedCaps: %v", err)
		}
		want |= capability.NewSet(c)
	}
	if got := capability.NewSet(capability.Default...); got != want || len(ExpectedCaps) != 14 {
		t.Errorf("capability.Default = %v, want the OCI/Docker default set %v", got.Names(), want.Names())
	}
	if got := expectedCapSet(); got != want {
		t.Errorf("expectedCapSet = %v", got.Names())
	}
	for _, p := range ExpectedMaskedPaths {
		if !slices.Contains(runtime.MaskedPaths, p) {
			t.Errorf("runtime.MaskedPaths lacks %s", p)
		}
	}
	for _, p := range ExpectedReadonlyPaths {
		if !slices.Contains(runtime.ReadonlyPaths, p) {
			t.Errorf("runtime.ReadonlyPaths lacks %s", p)
		}
	}
	denied := map[string]bool{}
	for _, c := range runtime.DeniedSyscalls {
		denied[c.Name] = true
	}
	for _, c := range ExpectedDenied {
		if !denied[c] {
			t.Errorf("runtime.DeniedSyscalls lacks %s", c)
		}
	}
	for _, c := range DeniedCalls {
		if !slices.Contains(ExpectedDenied, c) {
			t.Errorf("the probe's %s is not in ExpectedDenied", c)
		}
	}
	for _, m := range MaskedReads {
		if !slices.Contains(ExpectedMaskedPaths, m.Path) {
			t.Errorf("MaskedReads %s is not an expected masked path", m.Path)
		}
	}
	for _, o := range ReadonlyOpens {
		ok := false
		for _, p := range ExpectedReadonlyPaths {
			ok = ok || o.Path == p || len(o.Path) > len(p) && o.Path[:len(p)+1] == p+"/"
		}
		if !ok {
			t.Errorf("ReadonlyOpens %s is under no expected read-only path", o.Path)
		}
	}
}
