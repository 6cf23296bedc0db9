package cgroups

import (
	"reflect"
	"testing"
)

func TestParseProcCgroup(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		want    ownCgroups
		wantErr bool
	}{
		{
			name: "hybrid host",
			text: "9:name=systemd:/\n8:pids:/\n4:memory:/process_api/35d1\n2:cpuacct:/\n1:cpu:/\n0::/\n",
			want: ownCgroups{v1: map[string]string{"name=systemd": "/", "pids": "/", "memory": "/process_api/35d1", "cpuacct": "/", "cpu": "/"}, unified: "/", hasUnified: true},
		},
		{
			name: "co-mounted controllers",
			text: "4:cpu,cpuacct:/user.slice\n3:memory:/user.slice/user-1000.slice/session-2.scope\n",
			want: ownCgroups{v1: map[string]string{"cpu": "/user.slice", "cpuacct": "/user.slice", "memory": "/user.slice/user-1000.slice/session-2.scope"}},
		},
		{
			name: "v2 only",
			text: "0::/user.slice/user-1000.slice/user@1000.service/app.slice/run-r1.scope\n",
			want: ownCgroups{v1: map[string]string{}, unified: "/user.slice/user-1000.slice/user@1000.service/app.slice/run-r1.scope", hasUnified: true},
		},
		{
			name: "path with a colon",
			text: "0::/a:b\n",
			want: ownCgroups{v1: map[string]string{}, unified: "/a:b", hasUnified: true},
		},
		{name: "empty", text: "", want: ownCgroups{v1: map[string]string{}}},
		{name: "two fields", text: "0:/x\n", wantErr: true},
		{name: "relative path", text: "1:cpu:x\n", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseProcCgroup(tt.text)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if !tt.wantErr && !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestParseProcFile(t *testing.T) {
	got, err := ParseProcFile("12:pids:/a/b\n4:cpu,cpuacct:/\n1:name=systemd:/s\n0::/u:v\n")
	if err != nil {
		t.Fatal(err)
	}
	want := []Entry{
		{Hierarchy: 12, Controllers: []string{"pids"}, Path: "/a/b"},
		{Hierarchy: 4, Controllers: []string{"cpu", "cpuacct"}, Path: "/"},
		{Hierarchy: 1, Controllers: []string{"name=systemd"}, Path: "/s"},
		{Hierarchy: 0, Path: "/u:v"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v", got)
	}
	m := ByController(got)
	if m["pids"] != "/a/b" || m["cpu"] != "/" || m["cpuacct"] != "/" || m["name=systemd"] != "/s" || m[""] != "/u:v" {
		t.Fatalf("ByController = %v", m)
	}
	if _, err := ParseProcFile("x:pids:/"); err == nil {
		t.Fatal("non-numeric hierarchy accepted")
	}
}
