package probes

import (
	"reflect"
	"testing"
)

func TestKernelLocations(t *testing.T) {
	mounts := []MountInfo{
		{FSType: "proc", Root: "/", MountPoint: "/proc"},
		{FSType: "proc", Root: "/sys", MountPoint: "/proc/sys"},
		{FSType: "proc", Root: "/", MountPoint: "/p1"},
		{FSType: "sysfs", Root: "/", MountPoint: "/sys"},
		{FSType: "sysfs", Root: "/kernel", MountPoint: "/hostkernel"},
		{FSType: "tmpfs", Root: "/", MountPoint: "/proc/acpi"},
	}
	for _, c := range []struct {
		p    string
		want []string
	}{
		{"/proc/keys", []string{"/p1/keys", "/proc/keys"}},
		{"/proc/sys/kernel/core_pattern", []string{"/p1/sys/kernel/core_pattern", "/proc/sys/kernel/core_pattern"}},
		{"/sys/kernel/mm/ksm/run", []string{"/hostkernel/mm/ksm/run", "/sys/kernel/mm/ksm/run"}},
		{"/sys/firmware", []string{"/sys/firmware"}},
		{"/etc/shadow", []string{"/etc/shadow"}},
	} {
		if got := KernelLocations(c.p, mounts); !reflect.DeepEqual(got, c.want) {
			t.Errorf("KernelLocations(%s) = %v, want %v", c.p, got, c.want)
		}
	}
	if got := KernelLocations("/proc/keys", nil); !reflect.DeepEqual(got, []string{"/proc/keys"}) {
		t.Errorf("without mounts: %v", got)
	}
}

func TestKernelFSType(t *testing.T) {
	for p, want := range map[string][2]string{
		"/proc/keys":  {"proc", "/keys"},
		"/proc":       {"proc", "/"},
		"/sys/kernel": {"sysfs", "/kernel"},
		"/system":     {"", ""},
		"/procfs/x":   {"", ""},
	} {
		if f, in := KernelFSType(p); f != want[0] || in != want[1] {
			t.Errorf("KernelFSType(%s) = %q %q, want %v", p, f, in, want)
		}
	}
}

func TestSplitList(t *testing.T) {
	if got := SplitList(" a, ,b,"); !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Errorf("SplitList = %v", got)
	}
}
