package probes

import (
	"reflect"
	"testing"
)

func TestParseCgroupFile(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		want    []CgroupEntry
		wantErr bool
	}{
		{name: "v2 only", text: "0::/user.slice/session-1.scope\n",
			want: []CgroupEntry{{Hierarchy: 0, Path: "/user.slice/session-1.scope"}}},
		{name: "v2 in a cgroup namespace", text: "0::/", want: []CgroupEntry{{Path: "/"}}},
		{name: "hybrid", text: "9:name=systemd:/\n4:memory:/process_api/ae96\n2:cpu,cpuacct:/\n0::/\n",
			want: []CgroupEntry{
				{Hierarchy: 9, Controllers: []string{"name=systemd"}, Path: "/"},
				{Hierarchy: 4, Controllers: []string{"memory"}, Path: "/process_api/ae96"},
				{Hierarchy: 2, Controllers: []string{"cpu", "cpuacct"}, Path: "/"},
				{Hierarchy: 0, Path: "/"},
			}},
		{name: "colon in path", text: "0::/a:b:c", want: []CgroupEntry{{Path: "/a:b:c"}}},
		{name: "empty", text: "\n", want: nil},
		{name: "two fields", text: "0:/", wantErr: true},
		{name: "bad hierarchy", text: "x::/", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseCgroupFile(tt.text)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if !tt.wantErr && !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

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
