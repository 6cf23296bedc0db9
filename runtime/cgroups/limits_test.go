package cgroups

import (
	"reflect"
	"testing"
)

func TestLimitWrites(t *testing.T) {
	all := Resources{PidsMax: 32, MemoryMax: 64 << 20, CPUQuota: 50000}
	tests := []struct {
		name        string
		mode        Mode
		r           Resources
		early, late []fileWrite
	}{
		{name: "no limits v1", mode: ModeV1},
		{name: "no limits v2", mode: ModeUnified},
		{
			name: "all limits v1", mode: ModeV1, r: all,
			early: []fileWrite{
				{ctrlMemory, "memory.limit_in_bytes", "67108864", false},
				{ctrlMemory, "memory.memsw.limit_in_bytes", "67108864", true},
				{ctrlCPU, "cpu.cfs_period_us", "100000", false},
				{ctrlCPU, "cpu.cfs_quota_us", "50000", false},
			},
			late: []fileWrite{{ctrlPids, "pids.max", "32", false}},
		},
		{
			name: "hybrid writes v1 files", mode: ModeHybrid, r: Resources{MemoryMax: 4096},
			early: []fileWrite{
				{ctrlMemory, "memory.limit_in_bytes", "4096", false},
				{ctrlMemory, "memory.memsw.limit_in_bytes", "4096", true},
			},
		},
		{
			name: "all limits v2", mode: ModeUnified, r: all,
			early: []fileWrite{
				{ctrlMemory, "memory.max", "67108864", false},
				{ctrlMemory, "memory.swap.max", "0", true},
				{ctrlCPU, "cpu.max", "50000 100000", false},
			},
			late: []fileWrite{{ctrlPids, "pids.max", "32", false}},
		},
		{
			name: "explicit cpu period v2", mode: ModeUnified, r: Resources{CPUQuota: 25000, CPUPeriod: 50000},
			early: []fileWrite{{ctrlCPU, "cpu.max", "25000 50000", false}},
		},
		{
			name: "explicit cpu period v1", mode: ModeV1, r: Resources{CPUQuota: 2000, CPUPeriod: 10000},
			early: []fileWrite{{ctrlCPU, "cpu.cfs_period_us", "10000", false}, {ctrlCPU, "cpu.cfs_quota_us", "2000", false}},
		},
		{
			name: "period alone writes nothing", mode: ModeUnified, r: Resources{CPUPeriod: 50000},
		},
		{
			name: "pids only", mode: ModeUnified, r: Resources{PidsMax: 1},
			late: []fileWrite{{ctrlPids, "pids.max", "1", false}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := earlyWrites(tt.mode, tt.r); !reflect.DeepEqual(got, tt.early) {
				t.Errorf("early = %v, want %v", got, tt.early)
			}
			if got := lateWrites(tt.mode, tt.r); !reflect.DeepEqual(got, tt.late) {
				t.Errorf("late = %v, want %v", got, tt.late)
			}
		})
	}
}

func TestDevicesWrites(t *testing.T) {
	if ws := devicesWrites(ModeUnified, Resources{Devices: true}); ws != nil {
		t.Errorf("v2 got device writes %v", ws)
	}
	if ws := devicesWrites(ModeV1, Resources{}); ws != nil {
		t.Errorf("devices not asked for, got %v", ws)
	}
	ws := devicesWrites(ModeHybrid, Resources{Devices: true})
	if len(ws) != 1+len(DeviceAllowList) || ws[0].File != "devices.deny" || ws[0].Value != "a" {
		t.Fatalf("want deny-all first, then the allow list: %v", ws)
	}
	for _, w := range ws[1:] {
		if w.File != "devices.allow" || w.Controller != "devices" {
			t.Errorf("unexpected write %+v", w)
		}
	}
}

func TestCPUQuota(t *testing.T) {
	for cpus, want := range map[float64]int64{0: 0, -1: 0, 0.2: 20000, 0.5: 50000, 1: 100000, 0.333: 33300} {
		if got := CPUQuota(cpus); got != want {
			t.Errorf("CPUQuota(%v) = %d, want %d", cpus, got, want)
		}
	}
}
