package probes

import (
	"strings"
	"testing"
)

// An open-only path is a leak when it opens the kernel's own file, and
// held when what opens is a mask: /dev/null stands in for a /proc/kmsg
// that a runtime bound /dev/null over.
func TestKernelOpenOnlyTellsMaskFromKernel(t *testing.T) {
	r := &Report{}
	kernelOpenR(r, "info:/dev/null", "/proc/kmsg", "/dev/null")
	kernelOpenR(r, "info:/proc/self/status", "/proc/self/status", "/proc/self/status")
	if a := r.Attempts[0]; a.Outcome != Failed || a.Value != "/proc/kmsg" {
		t.Errorf("a mask over /proc/kmsg: %+v, want failed (held)", a)
	}
	if a := r.Attempts[1]; a.Outcome != Succeeded {
		t.Errorf("the kernel's own proc file: %+v, want succeeded (reached)", a)
	}
	if !strings.Contains(r.Attempts[0].Detail, errOpenedMask.Error()) {
		t.Errorf("the mask is not named: %+v", r.Attempts[0])
	}
}
