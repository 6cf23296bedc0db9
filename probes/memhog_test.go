package probes

import "testing"

func TestParseBytes(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"4096", 4096, true},
		{"16MiB", 16 << 20, true},
		{"16M", 16 << 20, true},
		{"16m", 16 << 20, true},
		{"256mb", 256 << 20, true},
		{"1GiB", 1 << 30, true},
		{"64K", 64 << 10, true},
		{" 2 GiB ", 2 << 30, true},
		{"10b", 10, true},
		{"", 0, false},
		{"MiB", 0, false},
		{"-1M", 0, false},
		{"1.5G", 0, false},
		{"12T", 0, false},
		{"9999999999999G", 0, false},
	}
	for _, tc := range tests {
		got, err := parseBytes(tc.in)
		if tc.ok && (err != nil || got != tc.want) {
			t.Errorf("parseBytes(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
		if !tc.ok && err == nil {
			t.Errorf("parseBytes(%q) = %d, want an error", tc.in, got)
		}
	}
}

func TestClampHog(t *testing.T) {
	tests := []struct {
		name              string
		max, step         int64
		wantMax, wantStep int64
	}{
		{"defaults", MemhogDefaultMax, MemhogDefaultStep, MemhogDefaultMax, MemhogDefaultStep},
		{"above hard cap", 8 << 30, 4 << 20, MemhogHardMax, 4 << 20},
		{"zero max", 0, 0, 4096, 4096},
		{"step above max", 1 << 20, 8 << 20, 1 << 20, 1 << 20},
		{"unaligned", 10000, 5000, 8192, 4096},
		{"negative", -1, -1, 4096, 4096},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, s := clampHog(tc.max, tc.step)
			if m != tc.wantMax || s != tc.wantStep {
				t.Errorf("clampHog(%d, %d) = %d, %d; want %d, %d", tc.max, tc.step, m, s, tc.wantMax, tc.wantStep)
			}
		})
	}
}

func TestParseProgress(t *testing.T) {
	tests := []struct {
		name    string
		out     string
		touched int64
		errno   string
	}{
		{"complete", "touched 4194304\ntouched 8388608\n{\"probe\":\"memhog-child\"}\n", 8388608, ""},
		{"killed mid-line", "touched 4194304\ntouched 83", 4194304, ""},
		{"mmap refused", "touched 4194304\nerror ENOMEM\n", 4194304, "ENOMEM"},
		{"nothing", "", 0, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n, e := parseProgress(tc.out)
			if n != tc.touched || e != tc.errno {
				t.Errorf("parseProgress = %d, %q; want %d, %q", n, e, tc.touched, tc.errno)
			}
		})
	}
}
