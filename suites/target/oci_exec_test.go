package target

import (
	"reflect"
	"slices"
	"syscall"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/little-container/little-container/runtime/capability"
)

func TestOCIArgv(t *testing.T) {
	r := NewRunc("/usr/sbin/runc")
	o := RunOpts{ID: "lc-1"}
	got := r.Argv(o, "/b", "/p", "")
	want := []string{"/usr/sbin/runc", "run", "--bundle", "/b", "--pid-file", "/p", "lc-1"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("runc Argv = %q, want %q", got, want)
	}
	if got := r.Argv(RunOpts{ID: "lc-1", PreserveFDs: 1}, "/b", "", ""); !reflect.DeepEqual(got,
		[]string{"/usr/sbin/runc", "run", "--bundle", "/b", "--preserve-fds", "1", "lc-1"}) {
		t.Errorf("preserve-fds Argv = %q", got)
	}
	o.Rootless = true
	got = r.Argv(o, "/b", "/p", "/s")
	want = []string{"/usr/sbin/runc", "--root", "/s", "--rootless=true", "run", "--bundle", "/b", "--pid-file", "/p", "lc-1"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rootless runc Argv = %q, want %q", got, want)
	}
	if got := r.DeleteArgv("lc-1", "/s"); !reflect.DeepEqual(got, []string{"/usr/sbin/runc", "--root", "/s", "delete", "-f", "lc-1"}) {
		t.Errorf("DeleteArgv = %q", got)
	}
	c := &OCI{Runtime: "crun", Bin: "/usr/bin/crun", Wrap: CrunHybridWrap}
	got = c.hostArgv(c.Argv(o, "/b", "", "/s"), &syscall.Credential{Uid: 65534, Gid: 65534})
	want = []string{"unshare", "-m", "--propagation", "private", "sh", "-c", `umount /sys/fs/cgroup/unified && exec "$0" "$@"`,
		"setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups", "/usr/bin/crun", "--root", "/s", "run", "--bundle", "/b", "lc-1"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("wrapped rootless crun =\n %q\nwant\n %q", got, want)
	}
}

func TestOCISpec(t *testing.T) {
	r := NewRunc("runc")
	r.HostBounding = capability.All()
	s, err := r.Spec(RunOpts{Rootfs: "/r", Args: []string{"/probe"}, ID: "lc-x", Hostname: "h", Share: []string{"net"},
		PidsMax: 16, Workdir: "/proc/self/fd/3", CapAdd: []string{"SYS_ADMIN"}, AllowNewPrivileges: true, Unmask: true, AllowDevices: true})
	if err != nil {
		t.Fatal(err)
	}
	if s.Linux.CgroupsPath != "/lc-x" || s.Hostname != "h" || *s.Linux.Resources.Pids.Limit != 16 {
		t.Errorf("cgroupsPath %q hostname %q pids %v", s.Linux.CgroupsPath, s.Hostname, s.Linux.Resources.Pids)
	}
	for _, ns := range s.Linux.Namespaces {
		if ns.Type == specs.NetworkNamespace || ns.Type == specs.UserNamespace {
			t.Errorf("namespace %s present", ns.Type)
		}
	}
	if !slices.Contains(s.Process.Capabilities.Bounding, "CAP_SYS_ADMIN") || !slices.Contains(s.Process.Capabilities.Bounding, "CAP_CHOWN") {
		t.Errorf("caps = %v; want defaults plus CAP_SYS_ADMIN", s.Process.Capabilities.Bounding)
	}
	if s.Process.NoNewPrivileges || len(s.Linux.MaskedPaths) != 0 || !s.Linux.Resources.Devices[0].Allow {
		t.Errorf("weakenings not applied: nnp %v masked %v devices %v", s.Process.NoNewPrivileges, s.Linux.MaskedPaths, s.Linux.Resources.Devices)
	}
	if s.Process.Cwd != "/proc/self/fd/3" {
		t.Errorf("cwd = %q", s.Process.Cwd)
	}
	if s.Linux.Seccomp == nil {
		t.Error("default bundle carries no seccomp profile")
	}
	if s, _ := r.Spec(RunOpts{Rootfs: "/r", ID: "z", SeccompUnconfined: true}); s.Linux.Seccomp != nil {
		t.Error("--seccomp unconfined bundle carries a seccomp profile")
	}

	s, err = r.Spec(RunOpts{Rootfs: "/r", Args: []string{"/probe"}, ID: "lc-y", Rootless: true})
	if err != nil {
		t.Fatal(err)
	}
	if s.Linux.CgroupsPath != "" || s.Linux.UIDMappings[0].HostID != 65534 || s.Linux.GIDMappings[0].HostID != 65534 {
		t.Errorf("rootless: cgroupsPath %q uid map %+v", s.Linux.CgroupsPath, s.Linux.UIDMappings)
	}
	if _, err := r.Spec(RunOpts{Rootfs: "/r", CapAdd: []string{"NOT_A_CAP"}}); err == nil {
		t.Error("unknown capability accepted")
	}
}

func TestOCICan(t *testing.T) {
	r := NewRunc("runc")
	for k, want := range map[Knob]bool{
		KnobHostname: true, KnobPidsMax: true, KnobMemory: true, KnobUserNS: true, KnobRootless: true, KnobInspect: true,
		KnobCapAdd: true, KnobSeccompOff: true, KnobNewPrivs: true, KnobUnmask: true, KnobAllowDevices: true,
		KnobChroot: false, ShareKnob("mnt"): false, ShareKnob("net"): true, ShareKnob("cgroup"): true, ShareKnob("x"): false,
	} {
		if ok, why := r.Can(k); ok != want || (!ok && why == "") {
			t.Errorf("Can(%s) = %v %q, want %v (with a reason when false)", k, ok, why, want)
		}
	}
}

func TestCapAddAllIsTheHostsBoundingSet(t *testing.T) {
	set, ok := ParseCapBnd("Name:\tx\nCapInh:\t0000000000000000\nCapBnd:\t000001fffeffffff\n")
	if !ok || set.Has(24) || !set.Has(21) {
		t.Fatalf("ParseCapBnd = %x, %v", uint64(set), ok)
	}
	r := NewRunc("runc")
	r.HostBounding = set
	s, err := r.Spec(RunOpts{Rootfs: "/r", ID: "x", CapAdd: []string{"ALL"}})
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(s.Process.Capabilities.Bounding, "CAP_SYS_RESOURCE") || !slices.Contains(s.Process.Capabilities.Bounding, "CAP_SYS_ADMIN") {
		t.Errorf("ALL = %v; want the host's bounding set", s.Process.Capabilities.Bounding)
	}
}

func TestRefused(t *testing.T) {
	msg := `level=error msg="runc run failed: unable to start container process: current working directory is outside of container mount namespace root -- possible container breakout detected"`
	if !Refused([]byte(msg)) || Refused([]byte("exec failed: no such file")) {
		t.Error("Refused misjudges runc's CVE-2024-21626 refusal")
	}
}
