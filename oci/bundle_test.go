package oci

import (
	"slices"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/little-container/little-container/runtime"
)

func nsTypes(s *specs.Spec) []specs.LinuxNamespaceType {
	var t []specs.LinuxNamespaceType
	for _, n := range s.Linux.Namespaces {
		t = append(t, n.Type)
	}
	return t
}

// mustSpec is Spec for a test: it fails the test on an error.
func mustSpec(t *testing.T, o Options) *specs.Spec {
	t.Helper()
	s, err := Spec(o)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSpecDefaults(t *testing.T) {
	s := mustSpec(t, Options{Rootfs: "/r", Args: []string{"/probe", "ns"}, Hostname: "h", PidsMax: 9, Memory: 1 << 25})
	for _, want := range []specs.LinuxNamespaceType{specs.PIDNamespace, specs.NetworkNamespace, specs.IPCNamespace, specs.UTSNamespace, specs.MountNamespace, specs.CgroupNamespace} {
		if !slices.Contains(nsTypes(s), want) {
			t.Errorf("namespace %s missing", want)
		}
	}
	if slices.Contains(nsTypes(s), specs.UserNamespace) {
		t.Error("user namespace without Rootless or UserNS")
	}
	if *s.Linux.Resources.Pids.Limit != 9 || *s.Linux.Resources.Memory.Limit != 1<<25 || *s.Linux.Resources.Memory.Swap != 1<<25 {
		t.Errorf("limits %+v", s.Linux.Resources)
	}
	if !s.Process.NoNewPrivileges || len(s.Linux.MaskedPaths) == 0 || slices.Contains(s.Process.Capabilities.Bounding, "CAP_SYS_ADMIN") {
		t.Errorf("hardening missing: nnp=%v masked=%v caps=%v", s.Process.NoNewPrivileges, s.Linux.MaskedPaths, s.Process.Capabilities.Bounding)
	}
	if s.Linux.Seccomp == nil || s.Linux.Seccomp.DefaultAction != specs.ActAllow || !slices.Contains(s.Linux.Seccomp.Syscalls[0].Names, "keyctl") {
		t.Errorf("seccomp %+v: want little-container's deny list", s.Linux.Seccomp)
	}
	if n := len(s.Linux.Seccomp.Syscalls); n != 2+1+3 {
		t.Errorf("%d seccomp rules, want deny, nosys, socket(AF_VSOCK) and one per namespace flag", n)
	}
	vsock := false
	for _, r := range s.Linux.Seccomp.Syscalls {
		vsock = vsock || slices.Equal(r.Names, []string{"socket"}) && len(r.Args) == 1 &&
			r.Args[0].Op == specs.OpMaskedEqual && r.Args[0].Value == 0xffffffff && r.Args[0].ValueTwo == unix.AF_VSOCK
	}
	if !vsock {
		t.Errorf("no rule denying socket(AF_VSOCK) alone: %+v", s.Linux.Seccomp.Syscalls)
	}
	rootOnly, err := runtime.RootOnlyFiles(runtime.RootOnlyDirs...)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range append(slices.Clone(runtime.MaskedPaths), rootOnly...) {
		if !slices.Contains(s.Linux.MaskedPaths, p) {
			t.Errorf("masked paths %v lack %s", s.Linux.MaskedPaths, p)
		}
	}
	if s.Process.Env[0] != "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" {
		t.Errorf("env %v", s.Process.Env)
	}
}

func TestSpecWeakenings(t *testing.T) {
	s := mustSpec(t, Options{Rootfs: "/r", Args: []string{"x"}, Share: []string{"net", "pid"}, Rootless: true, Unmasked: true, AllowNewPrivileges: true, SeccompUnconfined: true})
	if s.Linux.Seccomp != nil {
		t.Error("SeccompUnconfined still writes a filter")
	}
	got := nsTypes(s)
	if slices.Contains(got, specs.NetworkNamespace) || slices.Contains(got, specs.PIDNamespace) {
		t.Errorf("shared namespaces still created: %v", got)
	}
	if !slices.Contains(got, specs.UserNamespace) || len(s.Linux.UIDMappings) != 1 || s.Linux.UIDMappings[0].Size != 1 {
		t.Errorf("rootless mapping %v %v", got, s.Linux.UIDMappings)
	}
	if s.Process.NoNewPrivileges || s.Linux.MaskedPaths != nil {
		t.Error("weakenings ignored")
	}
	for _, m := range s.Mounts {
		if m.Destination == "/sys" && m.Type != "none" {
			t.Errorf("rootless /sys must be a bind of the host's, got %s", m.Type)
		}
	}
}

func TestSpecCPUQuota(t *testing.T) {
	for _, tc := range []struct {
		name           string
		quota, period  int64
		wantQ, wantP   int64 // -1: field absent
		wantCPUSection bool
	}{
		{"none", 0, 0, -1, -1, false},
		{"quota and period", 20000, 100000, 20000, 100000, true},
		{"quota, runtime's period", 50000, 0, 50000, -1, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := mustSpec(t, Options{Rootfs: "/r", Args: []string{"x"}, CPUQuota: tc.quota, CPUPeriod: tc.period}).Linux.Resources.CPU
			if (c != nil) != tc.wantCPUSection {
				t.Fatalf("cpu section %+v, want present=%v", c, tc.wantCPUSection)
			}
			if c == nil {
				return
			}
			if q := c.Quota; q == nil || *q != tc.wantQ {
				t.Errorf("quota %v, want %d", q, tc.wantQ)
			}
			switch p := c.Period; {
			case tc.wantP < 0 && p != nil:
				t.Errorf("period %d, want absent", *p)
			case tc.wantP >= 0 && (p == nil || int64(*p) != tc.wantP):
				t.Errorf("period %v, want %d", p, tc.wantP)
			}
		})
	}
}
