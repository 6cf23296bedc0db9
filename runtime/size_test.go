package runtime

import "testing"

func TestParseSize(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"4096", 4096, true},
		{"32M", 32 << 20, true},
		{"32m", 32 << 20, true},
		{"1G", 1 << 30, true},
		{"512k", 512 << 10, true},
		{"64MiB", 64 << 20, true},
		{"64MB", 64 << 20, true},
		{"2T", 2 << 40, true},
		{"12XB", 0, false},
		{"-1", 0, false},
		{"+5", 0, false},
		{"0", 0, false},
		{"", 0, false},
		{"M", 0, false},
		{"1.5G", 0, false},
		{"99999999999T", 0, false},
	} {
		got, err := ParseSize(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d, ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}
