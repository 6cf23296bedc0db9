package target

import (
	"reflect"
	"testing"
)

func TestBwrapArgv(t *testing.T) {
	b := &Bwrap{Bin: "bwrap"}
	tail := []string{"--die-with-parent", "--bind", "/r", "/", "--proc", "/proc", "--dev", "/dev"}
	for name, tc := range map[string]struct {
		o    RunOpts
		want []string
	}{
		"default": {RunOpts{Rootfs: "/r", Hostname: "h", Args: []string{"/probe", "ns"}},
			cat([]string{"bwrap", "--unshare-all"}, tail, []string{"--hostname", "h", "--", "/probe", "ns"})},
		"share net": {RunOpts{Rootfs: "/r", Share: []string{"net"}, Args: []string{"/probe"}},
			cat([]string{"bwrap", "--unshare-user-try", "--unshare-ipc", "--unshare-pid", "--unshare-uts", "--unshare-cgroup-try"}, tail, []string{"--", "/probe"})},
		"rootless": {RunOpts{Rootfs: "/r", Rootless: true, Args: []string{"/probe"}},
			cat([]string{"bwrap", "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
				"--unshare-user", "--uid", "0", "--gid", "0"}, tail, []string{"--", "/probe"})},
		"cap-add": {RunOpts{Rootfs: "/r", CapAdd: []string{"sys_admin", "ALL", "CAP_NET_ADMIN"}, Args: []string{"/probe"}},
			cat([]string{"bwrap", "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try"}, tail, []string{"--cap-add", "CAP_SYS_ADMIN", "--cap-add", "ALL", "--cap-add", "CAP_NET_ADMIN", "--", "/probe"})},
	} {
		if got := b.Argv(tc.o); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: Argv =\n %q\nwant\n %q", name, got, tc.want)
		}
	}
}

func TestBwrapCan(t *testing.T) {
	b := &Bwrap{}
	for k, want := range map[Knob]bool{
		KnobHostname: true, KnobInspect: true, KnobRootless: true, KnobCapAdd: true, KnobSeccompOff: true, KnobUnmask: true,
		KnobPidsMax: false, KnobMemory: false, KnobChroot: false, KnobNewPrivs: false, KnobAllowDevices: false, KnobUserNS: false,
		ShareKnob("net"): true, ShareKnob("pid"): true, ShareKnob("mnt"): false, ShareKnob("bogus"): false,
	} {
		if ok, why := b.Can(k); ok != want || (!ok && why == "") {
			t.Errorf("Can(%s) = %v %q, want %v (with a reason when false)", k, ok, why, want)
		}
	}
}

func cat(parts ...[]string) []string {
	var out []string
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}
