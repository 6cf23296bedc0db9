package cgroups

import (
	"fmt"
	"testing"

	"github.com/little-container/little-container/probes"
	"github.com/little-container/little-container/suites/matrix"
	"github.com/little-container/little-container/suites/target"
)

var want = Want{PidsMax: 32, ForkMax: 512, Memory: 32 << 20, HogMax: 256 << 20}

func report(attempts ...probes.Attempt) *probes.Report {
	return &probes.Report{Attempts: attempts, Complete: true}
}

func TestJudgePids(t *testing.T) {
	refused := probes.Attempt{Name: "fork", Outcome: probes.Failed, Errno: "EAGAIN", Value: "27"}
	reached := probes.Attempt{Name: "fork", Outcome: probes.Succeeded, Value: "256", Detail: "reached -max 256 without failure"}
	other := []probes.Attempt{{Name: "threads", Outcome: probes.Succeeded, Value: "5"}, {Name: "reaped", Outcome: probes.Succeeded, Value: "27"},
		{Name: "hold", Outcome: probes.Succeeded, Value: "eof"}}
	limited := &PidsSample{Max: 32, Current: 19, Events: 1}
	held := func(p *PidsSample, f *ForkCheck) *HostSide {
		return &HostSide{ContainerPID: 7, Held: true, Pids: p, HostFork: f}
	}
	ok := &ForkCheck{}
	for _, tc := range []struct {
		name string
		rep  *probes.Report
		hs   *HostSide
		want matrix.Status
	}{
		{"limit held", report(append(other, refused)...), held(limited, ok), matrix.Pass},
		{"control: no limit", report(append(other, reached)...), held(&PidsSample{Max: Unlimited, Current: 261}, ok), matrix.Fail},
		{"report claims a refusal the host did not count", report(append(other, refused)...), held(&PidsSample{Max: 32, Current: 19}, ok), matrix.Fail},
		{"wrong limit", report(append(other, refused)...), held(&PidsSample{Max: 64, Current: 19, Events: 1}, ok), matrix.Fail},
		{"over the limit", report(append(other, refused)...), held(&PidsSample{Max: 32, Current: 40, Events: 1}, ok), matrix.Fail},
		{"host could not fork", report(append(other, refused)...), held(limited, &ForkCheck{Err: "timeout"}), matrix.Fail},
		{"left behind", report(append(other, refused)...), &HostSide{ContainerPID: 7, Held: true, Pids: limited, HostFork: ok, Leftovers: []string{"pid 7 alive"}}, matrix.Fail},
		{"refused with another errno", report(append(other, probes.Attempt{Name: "fork", Outcome: probes.Failed, Errno: "ENOMEM", Value: "3"})...), held(limited, ok), matrix.Error},
		{"never held", report(append(other, refused)...), &HostSide{WaitErr: "container exited first"}, matrix.Error},
		{"host read nothing", report(append(other, refused)...), &HostSide{Held: true, HostFork: ok, ReadErrs: []string{"read pids.max: ENOENT"}}, matrix.Error},
		{"fork missing from report", report(other...), held(limited, ok), matrix.Error},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := &matrix.Verdict{}
			JudgePids(v, tc.rep, tc.hs, want)
			if got := v.Status(); got != tc.want {
				t.Fatalf("status %s, want %s; leaks %q problems %q", got, tc.want, v.Leaks, v.Problems)
			}
		})
	}
}

func TestJudgeMemory(t *testing.T) {
	killed := probes.Attempt{Name: "hog", Outcome: probes.Failed, Detail: "killed by SIGKILL after touching 29360128 bytes", Value: "29360128"}
	reached := probes.Attempt{Name: "hog", Outcome: probes.Succeeded, Detail: "touched 268435456 bytes", Value: "268435456"}
	hold := probes.Attempt{Name: "hold", Outcome: probes.Succeeded, Value: "eof"}
	v1 := &MemSample{Limit: 32 << 20, Swap: 32 << 20, HasSwap: true, OOMKills: 1}
	v2 := &MemSample{V2: true, Limit: 32 << 20, Swap: 0, HasSwap: true, OOMKills: 1}
	unlimited := &MemSample{Limit: 9223372036854771712, Swap: 9223372036854771712, HasSwap: true}
	held := func(m *MemSample) *HostSide { return &HostSide{ContainerPID: 7, Held: true, Mem: m} }
	for _, tc := range []struct {
		name string
		rep  *probes.Report
		hs   *HostSide
		want matrix.Status
	}{
		{"v1 limit held", report(killed, hold), held(v1), matrix.Pass},
		{"v2 limit held", report(killed, hold), held(v2), matrix.Pass},
		{"no swap accounting", report(killed, hold), held(&MemSample{Limit: 32 << 20, OOMKills: 1}), matrix.Pass},
		{"control: no limit", report(reached, hold), held(unlimited), matrix.Fail},
		{"v1 swap open", report(killed, hold), held(&MemSample{Limit: 32 << 20, Swap: Unlimited, HasSwap: true, HostSwap: 1 << 30, OOMKills: 1}), matrix.Fail},
		{"v2 swap open", report(killed, hold), held(&MemSample{V2: true, Limit: 32 << 20, Swap: Unlimited, HasSwap: true, HostSwap: 1 << 30, OOMKills: 1}), matrix.Fail},
		{"v1 swap open, host without swap", report(killed, hold), held(&MemSample{Limit: 32 << 20, Swap: 64 << 20, HasSwap: true, OOMKills: 1}), matrix.Pass},
		{"v2 swap open, host without swap", report(killed, hold), held(&MemSample{V2: true, Limit: 32 << 20, Swap: Unlimited, HasSwap: true, OOMKills: 1}), matrix.Pass},
		{"no OOM counted", report(killed, hold), held(&MemSample{Limit: 32 << 20, Swap: 32 << 20, HasSwap: true}), matrix.Fail},
		{"escaped the limit", report(probes.Attempt{Name: "hog", Outcome: probes.Failed, Detail: "killed by SIGKILL after touching 104857600 bytes", Value: "104857600"}, hold), held(v1), matrix.Fail},
		{"mmap refused", report(probes.Attempt{Name: "hog", Outcome: probes.Failed, Errno: "ENOMEM", Detail: "mmap refused", Value: "0"}, hold), held(v1), matrix.Error},
		{"never held", report(killed, hold), &HostSide{WaitErr: "timeout"}, matrix.Error},
		{"never held after the go-ahead", report(killed, hold), &HostSide{ContainerPID: 7, Released: true, WaitErr: "timeout"}, matrix.Error},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := &target.Result{Stdout: []byte("{}"), Report: tc.rep}
			v := Verdict(res, tc.hs)
			JudgeMemory(v, res, tc.hs, want)
			if got := v.Status(); got != tc.want {
				t.Fatalf("status %s, want %s; leaks %q problems %q", got, tc.want, v.Leaks, v.Problems)
			}
		})
	}
}

// A probe the OOM killer takes down after its hog child leaves no report:
// the kernel's kill lines of processes the host saw in the container's
// cgroup, or that cgroup's own counter, decide, and the limit read before
// the hog keeps a run without one failing.
func TestJudgeMemoryProbeKilledWithChild(t *testing.T) {
	dead := &target.Result{ExitCode: KilledExit, DecodeErr: probes.ErrIncomplete}
	lim := &MemSample{Dir: "/sys/fs/cgroup/memory/lc/x", Limit: 32 << 20, Swap: 32 << 20, HasSwap: true}
	unlimited := &MemSample{Dir: "/sys/fs/cgroup/memory/lc/x", Limit: Unlimited, Swap: Unlimited, HasSwap: true}
	kill := func(pid int) Kill {
		return Kill{PID: pid, Line: fmt.Sprintf("Memory cgroup out of memory: Killed process %d (probe) total-vm:1294500kB", pid)}
	}
	after := func(first *MemSample, sampled int64, kills ...Kill) *HostSide {
		return &HostSide{ContainerPID: 7, Released: true, WaitErr: "container exited first", MemFirst: first, Mem: first,
			InCgroup: []int{7, 8}, OOMSampled: sampled, Kills: kills}
	}
	for _, tc := range []struct {
		name string
		res  *target.Result
		hs   *HostSide
		want matrix.Status
	}{
		{"child then probe, both kill lines", dead, after(lim, 0, kill(8), kill(7)), matrix.Pass},
		{"both kills counted by the cgroup", dead, after(lim, 2), matrix.Pass},
		{"summary lines suppressed, probe's kill line and one count", dead, after(lim, 1, kill(7)), matrix.Error},
		{"only the child's kill on record", dead, after(lim, 1, kill(8)), matrix.Error},
		{"kernel log unreadable, one count", dead, func() *HostSide { h := after(lim, 1); h.KmsgErr = "EPERM"; return h }(), matrix.Error},
		{"control: no limit in the cgroup", dead, after(unlimited, 0, kill(8), kill(7)), matrix.Fail},
		{"cgroup never read before the hog", dead, after(nil, 2, kill(8), kill(7)), matrix.Error},
		{"killed before the go-ahead", dead, &HostSide{WaitErr: "container exited first", Kills: []Kill{kill(7)}}, matrix.Error},
		{"exited otherwise", &target.Result{ExitCode: 2, DecodeErr: probes.ErrIncomplete}, after(lim, 2, kill(8), kill(7)), matrix.Error},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := Verdict(tc.res, tc.hs)
			JudgeMemory(v, tc.res, tc.hs, want)
			if got := v.Status(); got != tc.want {
				t.Fatalf("status %s, want %s; leaks %q problems %q notes %q", got, tc.want, v.Leaks, v.Problems, v.Evidence)
			}
		})
	}
}

func TestJudgeInline(t *testing.T) {
	killed := &target.Result{ExitCode: KilledExit}
	reached := &target.Result{ExitCode: 0, Stdout: []byte("{}"),
		Report: report(probes.Attempt{Name: "hog", Outcome: probes.Succeeded, Value: "268435456"}, probes.Attempt{Name: "hold", Outcome: probes.Succeeded, Value: "eof"})}
	lim := &MemSample{Limit: 32 << 20, Swap: 32 << 20, HasSwap: true}
	for _, tc := range []struct {
		name string
		res  *target.Result
		hs   *HostSide
		want matrix.Status
	}{
		{"killed, kernel log names it", killed, &HostSide{KernelOOM: []string{"oom-kill:..."}, OOMSampled: Unlimited}, matrix.Pass},
		{"killed, summary suppressed, kill line of its pid", killed, &HostSide{ContainerPID: 7, Kills: []Kill{{PID: 7, Line: "Memory cgroup out of memory: Killed process 7 (probe)"}}, OOMSampled: Unlimited}, matrix.Pass},
		{"killed, counter sampled", killed, &HostSide{Mem: lim, OOMSampled: 1}, matrix.Pass},
		{"killed, no kernel evidence", killed, &HostSide{KmsgErr: "EPERM", OOMSampled: Unlimited}, matrix.Error},
		{"killed, wrong limit", killed, &HostSide{Mem: &MemSample{Limit: Unlimited}, OOMSampled: 1}, matrix.Fail},
		{"control: reached -max", reached, &HostSide{Held: true, OOMSampled: 0}, matrix.Fail},
		{"crashed otherwise", &target.Result{ExitCode: 2, DecodeErr: probes.ErrIncomplete}, &HostSide{OOMSampled: Unlimited}, matrix.Error},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := InlineVerdict(tc.res)
			JudgeInline(v, tc.res, tc.hs, want)
			if got := v.Status(); got != tc.want {
				t.Fatalf("status %s, want %s; leaks %q problems %q", got, tc.want, v.Leaks, v.Problems)
			}
		})
	}
}
