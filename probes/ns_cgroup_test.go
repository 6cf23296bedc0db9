package probes

import (
	"testing"
)

func TestCgroupPathsSummary(t *testing.T) {
	tests := []struct {
		in   []CgroupEntry
		want string
	}{
		{nil, "empty"},
		{[]CgroupEntry{{Path: "/"}}, "all-root"},
		{[]CgroupEntry{{Hierarchy: 1, Path: "/"}, {Hierarchy: 0, Path: "/"}}, "all-root"},
		{[]CgroupEntry{{Hierarchy: 2, Path: "/lc/x"}, {Hierarchy: 1, Path: "/lc/x"}, {Path: "/"}}, "not-root: /lc/x"},
		{[]CgroupEntry{{Hierarchy: 2, Path: "/a"}, {Path: "/b"}}, "not-root: /a /b"},
	}
	for _, tt := range tests {
		if got := CgroupPathsSummary(tt.in); got != tt.want {
			t.Errorf("CgroupPathsSummary(%+v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
