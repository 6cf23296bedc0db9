package cgroups

import (
	"reflect"
	"testing"
)

func TestOOMRecords(t *testing.T) {
	mine := "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/p/little-container/lc-p1-ab,task_memcg=/p/little-container/lc-p1-ab,task=probe,pid=9,uid=0"
	msgs := []string{
		"Memory cgroup out of memory: Killed process 9 (probe)",
		mine,
		"oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),oom_memcg=/other,task_memcg=/p/little-container/lc-p1-ab,task=probe,pid=9,uid=0",
		"oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),oom_memcg=/p/little-container/lc-p1-ab,task=probe,pid=9,uid=0",
		"oom-kill:constraint=CONSTRAINT_MEMCG,oom_memcg=/p/little-container/lc-p1-cd,task=probe,pid=10,uid=0",
	}
	if got := OOMRecords(msgs, "", "lc-p1-ab"); !reflect.DeepEqual(got, []string{mine}) {
		t.Fatalf("OOMRecords = %q", got)
	}
	if got := OOMRecords(msgs, "", ""); got != nil {
		t.Fatalf("OOMRecords without an id = %q", got)
	}
	// podman names the cgroup libpod-<hash>: matched by the path the host
	// read from the container's /proc/<pid>/cgroup, not by the id.
	podman := "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=libpod-1f,mems_allowed=0,oom_memcg=/machine.slice/libpod-1f2e,task_memcg=/machine.slice/libpod-1f2e,task=probe,pid=9,uid=0"
	if got := OOMRecords(append(msgs, podman), "/machine.slice/libpod-1f2e", "lc-p1-zz"); !reflect.DeepEqual(got, []string{podman}) {
		t.Fatalf("OOMRecords by path = %q", got)
	}
	if got := OOMRecords([]string{podman}, "/", ""); got != nil {
		t.Fatalf("OOMRecords with the root cgroup = %q", got)
	}
}

func TestKmsgMessage(t *testing.T) {
	for rec, want := range map[string]string{
		"6,1234,5678,-;oom-kill:constraint=X\n":                 "oom-kill:constraint=X",
		"4,1,2,c;first line\n SUBSYSTEM=memory\n DEVICE=+x:y\n": "first line",
		"no separator": "",
	} {
		if got := kmsgMessage(rec); got != want {
			t.Errorf("kmsgMessage(%q) = %q, want %q", rec, got, want)
		}
	}
}

func TestPidsRecords(t *testing.T) {
	msgs := []string{
		"cgroup: fork rejected by pids controller in /lc-p1-f6f8c365",
		"cgroup: fork rejected by pids controller in /libpod_parent/libpod-bf67",
		"loop0: detected capacity change from 0 to 128",
	}
	if got := PidsRecords(msgs, "/libpod_parent/libpod-bf67", "lc-p1-zz"); !reflect.DeepEqual(got, msgs[1:2]) {
		t.Errorf("PidsRecords by path = %q", got)
	}
	if got := PidsRecords(msgs, "", "lc-p1-f6f8c365"); !reflect.DeepEqual(got, msgs[:1]) {
		t.Errorf("PidsRecords by id = %q", got)
	}
	if got := PidsRecords(msgs, "/", ""); got != nil {
		t.Errorf("PidsRecords of the root = %q", got)
	}
}

func TestKillsOf(t *testing.T) {
	msgs := []string{
		"Memory cgroup out of memory: Killed process 8 (probe) total-vm:1294500kB",
		"Memory cgroup out of memory: Killed process 9 (probe) total-vm:1294500kB",
		"Memory cgroup out of memory: Killed process 7 (probe) total-vm:1294616kB",
		"Out of memory: Killed process 7 (probe) total-vm:1kB",
		"oom-kill:constraint=CONSTRAINT_MEMCG,oom_memcg=/x,task=probe,pid=7",
	}
	want := []Kill{{PID: 8, Line: msgs[0]}, {PID: 7, Line: msgs[2]}}
	if got := KillsOf(msgs, []int{7, 8}); !reflect.DeepEqual(got, want) {
		t.Errorf("KillsOf(7, 8) = %+v, want the memcg kills of those pids, in the kernel's order", got)
	}
	if got := KillsOf(msgs, nil); got != nil {
		t.Errorf("KillsOf(none) = %+v", got)
	}
}
