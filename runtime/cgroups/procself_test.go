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
