package main

import (
	"reflect"
	"testing"
)

func TestPlanV1(t *testing.T) {
	tests := []struct {
		name    string
		enabled []string
		want    [][]string
	}{
		{"debian 6.1",
			[]string{"cpuset", "cpu", "cpuacct", "blkio", "memory", "devices", "freezer", "net_cls", "perf_event", "net_prio", "hugetlb", "pids", "rdma", "misc"},
			[][]string{{"cpu", "cpuacct"}, {"net_cls", "net_prio"}, {"blkio"}, {"cpuset"}, {"devices"}, {"freezer"}, {"hugetlb"}, {"memory"}, {"misc"}, {"perf_event"}, {"pids"}, {"rdma"}}},
		{"cpu without cpuacct", []string{"cpu", "pids"}, [][]string{{"cpu"}, {"pids"}}},
		{"none", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			enabled := map[string]bool{}
			for _, c := range tt.enabled {
				enabled[c] = true
			}
			if got := planV1(enabled); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("planV1 = %q, want %q", got, tt.want)
			}
		})
	}
}
