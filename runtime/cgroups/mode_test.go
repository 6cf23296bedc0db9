package cgroups

import "testing"

func TestDecideMode(t *testing.T) {
	const ext4 int64 = 0xef53
	tests := []struct {
		name          string
		root, unified int64
		v1Hierarchies int
		want          Mode
	}{
		{"cgroup2 root is unified", cgroup2Magic, 0, 0, ModeUnified},
		{"cgroup2 root ignores anything below", cgroup2Magic, cgroup2Magic, 3, ModeUnified},
		{"tmpfs with v1 hierarchies", tmpfsMagic, 0, 9, ModeV1},
		{"tmpfs with v1 and non-cgroup unified dir", tmpfsMagic, tmpfsMagic, 9, ModeV1},
		{"tmpfs with v1 and cgroup2 unified is hybrid", tmpfsMagic, cgroup2Magic, 9, ModeHybrid},
		{"empty tmpfs", tmpfsMagic, 0, 0, ModeNone},
		{"tmpfs with only a unified mount", tmpfsMagic, cgroup2Magic, 0, ModeNone},
		{"nothing mounted (sysfs)", 0x62656572, 0, 0, ModeNone},
		{"unexpected file system", ext4, 0, 4, ModeNone},
		{"single v1 hierarchy at root is not supported", cgroup1Magic, 0, 0, ModeNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := decideMode(tt.root, tt.unified, tt.v1Hierarchies); got != tt.want {
				t.Errorf("decideMode(%#x, %#x, %d) = %v, want %v", tt.root, tt.unified, tt.v1Hierarchies, got, tt.want)
			}
		})
	}
}

func TestModeString(t *testing.T) {
	for m, want := range map[Mode]string{ModeNone: "none", ModeV1: "v1", ModeHybrid: "hybrid", ModeUnified: "v2", Mode(42): "unknown"} {
		if got := m.String(); got != want {
			t.Errorf("Mode(%d).String() = %q, want %q", int(m), got, want)
		}
	}
}
