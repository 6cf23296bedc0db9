package target

import (
	"reflect"
	"testing"
)

func TestSeedCanAndArgv(t *testing.T) {
	s := &Seed{Bin: "seed"}
	for k, want := range map[Knob]bool{
		KnobHostname: true, KnobInspect: true, KnobChroot: true, KnobCapAdd: true, KnobSeccompOff: true,
		KnobPidsMax: false, KnobMemory: false, KnobUserNS: false, KnobRootless: false,
		ShareKnob("net"): true, ShareKnob("ipc"): true, ShareKnob("cgroup"): true,
		ShareKnob("pid"): false, ShareKnob("uts"): false, ShareKnob("mnt"): false,
	} {
		if ok, why := s.Can(k); ok != want || (!ok && why == "") {
			t.Errorf("Can(%s) = %v %q, want %v (with a reason when false)", k, ok, why, want)
		}
	}
	got := s.Argv(RunOpts{Rootfs: "/r", Hostname: "h", Args: []string{"/probe", "escape"}})
	want := []string{"seed", "run", "--rootfs", "/r", "--hostname", "h", "/probe", "escape"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Argv = %q, want %q", got, want)
	}
}
