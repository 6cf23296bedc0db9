package cgroups

import (
	"bytes"
	"strconv"
	"strings"
	"time"

	"github.com/little-container/little-container/probes"
	"github.com/little-container/little-container/suites/check"
	"github.com/little-container/little-container/suites/matrix"
	"github.com/little-container/little-container/suites/target"
)

// Want is the limit a check demands and how hard its probe pushes. A
// negative control runs without the limit but is judged against the same
// Want, so it must FAIL.
type Want struct {
	PidsMax int64 // the pids limit demanded
	ForkMax int   // the bomb's -max
	Memory  int64 // the memory limit demanded, bytes
	HogMax  int64 // the hog's -max, bytes
	// CPUQuota and CPUPeriod are the CFS quota demanded, in µs.
	CPUQuota, CPUPeriod int64
}

// MemSlack is how far past the limit the hog may report having touched:
// one 4 MiB step in flight plus rounding. More means memory escaped the
// limit (swap, or no limit at all).
const MemSlack = 8 << 20

// KilledExit is the runtime's exit status when the container's process
// was killed by SIGKILL (128+9), as the OOM killer does.
const KilledExit = 128 + 9

// JudgePids decides the pids check from the forkbomb report and the host
// side. v already holds the run's evidence (see check.Judge).
func JudgePids(v *matrix.Verdict, rep *probes.Report, hs *HostSide, w Want) {
	common(v, hs)
	if rep == nil {
		if sandboxEnded(hs) {
			judgeSandboxPids(v, hs, w)
		}
		return
	}
	if a, ok := check.Attempt(v, rep, "fork"); ok {
		switch {
		case a.Outcome == probes.Failed && a.Errno == "EAGAIN":
		case a.Outcome == probes.Failed:
			v.Problem("fork refused with %s, not the pids limit's EAGAIN: %s", a.Errno, a.Detail)
		case a.Outcome == probes.Succeeded:
			v.Leak("no fork was refused: %s children forked (%s)", a.Value, a.Detail)
		default:
			v.Problem("fork not tried: %s", a.Detail)
		}
	}
	check.Attempt(v, rep, "threads")
	check.Attempt(v, rep, "reaped")
	if hs.Held {
		check.Attempt(v, rep, "hold")
	}
	if p := hs.Pids; p != nil {
		v.Note("host during the hold: %s", p)
		if p.Max != w.PidsMax {
			v.Leak("pids.max of the container's cgroup is %s, not %d", limit(p.Max), w.PidsMax)
		}
		if p.Current > w.PidsMax {
			v.Leak("pids.current %d exceeds the limit %d", p.Current, w.PidsMax)
		}
		if p.Events <= 0 {
			v.Leak("pids.events max is %d: the kernel refused no fork", p.Events)
		}
	} else if hs.Held {
		v.Problem("the host read no pids counters during the hold")
	}
	switch fc := hs.HostFork; {
	case fc == nil && hs.Held:
		v.Problem("the host's own fork was not tried during the hold")
	case fc != nil && fc.Err != "":
		v.Leak("%s", fc.Err)
	case fc != nil:
		v.Note("host ran `true` during the hold in %s", fc.Took.Round(100*time.Microsecond))
	}
}

// JudgeMemory decides the memory check (hog in a child, probe holding)
// from the run's memhog report and the host side. A probe that awaited the
// host's go-ahead may die with its child, both OOM-killed, and leave no
// report: see judgeKilledWithChild.
func JudgeMemory(v *matrix.Verdict, res *target.Result, hs *HostSide, w Want) {
	rep := res.Report
	common(v, hs)
	switch {
	case rep == nil && sandboxEnded(hs):
		judgeSandboxMemory(v, hs, w)
		return
	case rep == nil && killedAfterGoAhead(res, hs):
		judgeKilledWithChild(v, hs, w)
		return
	case rep == nil:
		return
	case hs.Released && !hs.Held:
		v.Problem("host never saw the probe hold: %s", hs.WaitErr)
	}
	if a, ok := check.Attempt(v, rep, "hog"); ok {
		judgeHog(v, a, w)
	}
	if hs.Held {
		check.Attempt(v, rep, "hold")
	}
	if m := hs.MemFirst; m != nil {
		v.Note("host at the go-ahead, before the hog: %s", m)
	}
	for _, k := range hs.Kills {
		v.Note("kernel log: %s", k.Line)
	}
	if m := hs.Mem; m != nil {
		v.Note("host during the hold: %s", m)
		judgeMemLimits(v, m, w)
		if m.OOMKills < 1 {
			v.Leak("the kernel counted no OOM kill in the container's cgroup (oom_kill=%d)", m.OOMKills)
		}
	} else if hs.Held {
		v.Problem("the host read no memory counters during the hold")
	}
}

// Verdict starts a cgroup check's verdict from a run. A sandboxed
// runtime that ended before the probe printed anything has no report to
// judge: a limit may have confined the sandbox as a whole, which its
// cgroup's counters show (see judgeSandboxPids), so the missing report is
// evidence there, not a broken run. So is a probe killed by SIGKILL after
// the host found it and gave it the go-ahead (see judgeKilledWithChild).
// Anything else starts as check.Judge.
func Verdict(res *target.Result, hs *HostSide) *matrix.Verdict {
	switch {
	case res.DecodeErr == nil || len(bytes.TrimSpace(res.Stdout)) > 0:
		return check.Judge(res)
	case hs.Sandboxed != "", killedAfterGoAhead(res, hs):
		return evidenceOnly(res)
	}
	return check.Judge(res)
}

// killedAfterGoAhead says the container ended by SIGKILL with no output
// after the host had found its probe and let it go, before it held.
func killedAfterGoAhead(res *target.Result, hs *HostSide) bool {
	return hs.Sandboxed == "" && hs.Released && !hs.Held && killedSilently(res)
}

// judgeKilledWithChild decides the memory check of a probe that died with
// its hog child: the OOM killer under the container's limit killed the
// child and then, milliseconds later, the probe itself (an allocation it
// made before the child's memory was freed), so there is neither report
// nor hold. The limit held when the host, having found the probe by its
// nonce, read the limit asked for in the container's own memory cgroup
// before the hog began (a run without the limit fails here, as its
// control must), and the kernel killed the probe and another process the
// kernel listed in that cgroup, by its never rate-limited kill lines or,
// for the child, by the cgroup's own oom_kill counter sampled while it
// lived. Anything less cannot decide.
func judgeKilledWithChild(v *matrix.Verdict, hs *HostSide, w Want) {
	v.Note("runtime exited %d (128+SIGKILL) with no output after the host gave the probe its go-ahead: the probe was killed before it could report", KilledExit)
	for _, k := range hs.Kills {
		v.Note("kernel log: %s", k.Line)
	}
	if hs.KmsgErr != "" {
		v.Note("kernel log unreadable: %s", hs.KmsgErr)
	}
	v.Note("processes the kernel listed in the container's memory cgroup while the host sampled it: %v; oom_kill sampled: %s", hs.InCgroup, limit(hs.OOMSampled))
	first := hs.MemFirst
	if first == nil {
		v.Problem("the probe died before reporting, and the host never read the container's own memory cgroup before its hog began")
		return
	}
	v.Note("host at the go-ahead, before the hog: %s", first)
	judgeMemLimits(v, first, w)
	if m := hs.Mem; m != nil && m != first {
		v.Note("host at last sight of the container's cgroup: %s", m)
	}
	probe, child := 0, 0
	for _, k := range hs.Kills {
		if k.PID == hs.ContainerPID {
			probe = k.PID
		} else if child == 0 {
			child = k.PID
		}
	}
	// Two kills in the container's cgroup, the probe's among them: both
	// kill lines, or the cgroup's own counter at two.
	switch {
	case probe > 0 && child > 0:
		v.Note("the limit held: the kernel's OOM killer killed the hog child (pid %d) and the probe (pid %d), both listed in the container's memory cgroup %s under %s", child, probe, first.Dir, limit(first.Limit))
	case hs.OOMSampled >= 2:
		v.Note("the limit held: the container's memory cgroup %s under %s counted %d OOM kills while the host sampled it, of the processes %v listed in it", first.Dir, limit(first.Limit), hs.OOMSampled, hs.InCgroup)
	case probe == 0:
		v.Problem("the probe (pid %d) died by SIGKILL, but neither the kernel log nor its memory cgroup's oom_kill (%s) shows the OOM killer killed it", hs.ContainerPID, limit(hs.OOMSampled))
	default:
		v.Problem("the probe (pid %d) was OOM-killed, but no kill of its hog child in the container's memory cgroup is on record (kernel log; oom_kill sampled %s)", hs.ContainerPID, limit(hs.OOMSampled))
	}
}

func evidenceOnly(res *target.Result) *matrix.Verdict {
	v := &matrix.Verdict{}
	v.Note("argv: %s", check.ShortArgv(res.Argv))
	v.Note("exit: %d", res.ExitCode)
	if s := strings.TrimSpace(string(res.Stderr)); s != "" {
		v.Note("stderr: %s", oneLine(s))
	}
	if res.Found != "" {
		v.Note("%s", res.Found)
	}
	return v
}

// sandboxEnded says the container's processes were not host processes and
// the sandbox ended before the probe held, while the host read its
// cgroup's counters.
func sandboxEnded(hs *HostSide) bool { return hs.Sandboxed != "" && !hs.Held && hs.SandboxSamples > 0 }

// judgeSandboxPids decides the pids check of a sandbox that ended before
// the probe reported: a limit that refused forks of the sandbox as a whole
// (pids.max the one asked for, pids.events above 0) confined it, and the
// host is protected, a pass with that note; anything else cannot decide.
func judgeSandboxPids(v *matrix.Verdict, hs *HostSide, w Want) {
	p := hs.Pids
	if p == nil {
		v.Problem("the sandbox ended before the probe reported, and the host read no pids counters of it")
		return
	}
	v.Note("sandbox's cgroup at last sight: %s", p)
	for _, r := range hs.KernelPids {
		v.Note("kernel log: %s", r)
	}
	if p.Max != w.PidsMax {
		v.Leak("pids.max of the sandbox's cgroup is %s, not %d", limit(p.Max), w.PidsMax)
		return
	}
	if p.Events <= 0 && len(hs.KernelPids) == 0 {
		v.Problem("the sandbox ended before the probe reported, and neither its cgroup (pids.events max %d) nor the kernel log shows a fork refused under the limit", p.Events)
		return
	}
	v.Note("the limit confined the sandbox as a whole: the kernel refused forks of the sandbox's host processes under pids.max %d, and the sandbox ended before the probe could report", p.Max)
}

// judgeSandboxMemory decides a memory check of a sandbox that ended before
// the probe reported: the kernel OOM-killed the sandbox in its own memory
// cgroup under the limit asked for, which confined it as a whole.
func judgeSandboxMemory(v *matrix.Verdict, hs *HostSide, w Want) {
	for _, r := range hs.KernelOOM {
		v.Note("kernel log: %s", r)
	}
	if hs.KmsgErr != "" {
		v.Note("kernel log unreadable: %s", hs.KmsgErr)
	}
	m := hs.Mem
	if m == nil {
		v.Problem("the sandbox ended before the probe reported, and the host read no memory counters of it")
		return
	}
	v.Note("sandbox's cgroup at last sight: %s", m)
	if m.Limit != w.Memory {
		v.Leak("%s of the sandbox's cgroup is %s, not %d", "the memory limit", limit(m.Limit), w.Memory)
		return
	}
	for _, k := range hs.Kills {
		v.Note("kernel log: %s", k.Line)
	}
	if m.OOMKills < 1 && len(hs.KernelOOM) == 0 && len(hs.Kills) == 0 {
		v.Problem("the sandbox ended before the probe reported, with no OOM kill counted in its cgroup nor logged by the kernel")
		return
	}
	v.Note("the limit confined the sandbox as a whole: the kernel OOM-killed it in its own memory cgroup (oom_kill=%d, %d kernel-log records)", m.OOMKills, len(hs.KernelOOM)+len(hs.Kills))
}

// InlineVerdict starts the inline check's verdict. A container killed
// with SIGKILL before printing anything (exit 137, empty stdout) is that
// check's expected outcome, so the missing report is evidence, not a broken
// run; any other result starts as check.Judge does.
func InlineVerdict(res *target.Result) *matrix.Verdict {
	if !killedSilently(res) {
		return check.Judge(res)
	}
	return evidenceOnly(res)
}

func killedSilently(res *target.Result) bool {
	return res.ExitCode == KilledExit && len(bytes.TrimSpace(res.Stdout)) == 0
}

// JudgeInline decides the inline memory check, where the hog is the
// container's only process: under the limit the OOM killer ends the whole
// container (exit 137, no report at all) and the kernel names the
// container's memory cgroup; without it the hog reports reaching -max. v
// comes from InlineVerdict.
func JudgeInline(v *matrix.Verdict, res *target.Result, hs *HostSide, w Want) {
	common(v, hs)
	sandbox := sandboxEnded(hs) && len(bytes.TrimSpace(res.Stdout)) == 0
	switch {
	case sandbox:
		judgeSandboxMemory(v, hs, w) // notes the kernel log itself
	case killedSilently(res):
		v.Note("runtime exited %d (128+SIGKILL) with no output: the container's only process was killed", res.ExitCode)
		if len(hs.KernelOOM) == 0 && len(hs.Kills) == 0 && hs.OOMSampled < 1 {
			v.Problem("killed, but no kernel evidence of a memory-cgroup OOM kill in the container (kernel log: %s; sampled oom_kill: %s)",
				orNone(hs.KmsgErr), limit(hs.OOMSampled))
		}
	case res.Report != nil && res.DecodeErr == nil:
		if a, ok := check.Attempt(v, res.Report, "hog"); ok {
			judgeHog(v, a, w)
		}
		if res.ExitCode != KilledExit {
			v.Leak("container exited %d, not %d: the OOM killer did not end it", res.ExitCode, KilledExit)
		}
	}
	if !sandbox {
		for _, r := range hs.KernelOOM {
			v.Note("kernel log: %s", r)
		}
		for _, k := range hs.Kills {
			v.Note("kernel log: %s", k.Line)
		}
		if hs.KmsgErr != "" {
			v.Note("kernel log unreadable: %s", hs.KmsgErr)
		}
	}
	v.Note("oom_kill sampled while the container lived: %s", limit(hs.OOMSampled))
	if m := hs.MemFirst; m != nil {
		v.Note("host at first sight of the container's cgroup: %s", m)
	}
	if m := hs.Mem; m != nil {
		v.Note("host at last sight of the container's cgroup: %s", m)
		judgeMemLimits(v, m, w)
	} else {
		v.Note("the container lived too briefly for the host to read its cgroup")
	}
}

// judgeHog decides the hog attempt: an OOM kill (SIGKILL) before -max and
// within the limit plus slack passes; reaching -max is a leak.
func judgeHog(v *matrix.Verdict, a probes.Attempt, w Want) {
	touched, err := strconv.ParseInt(a.Value, 10, 64)
	if err != nil {
		v.Problem("hog value %q is not a byte count", a.Value)
		return
	}
	switch {
	case a.Outcome == probes.Succeeded:
		v.Leak("the hog touched %d bytes, all of its -max: no memory limit stopped it", touched)
		return
	case a.Outcome == probes.Failed && strings.Contains(a.Detail, "killed by SIGKILL"):
	case a.Outcome == probes.Failed:
		v.Problem("the hog ended without a SIGKILL: %s %s", a.Errno, a.Detail)
		return
	default:
		v.Problem("hog not tried: %s", a.Detail)
		return
	}
	if touched >= w.HogMax {
		v.Leak("the hog was killed only after touching all %d bytes of its -max", touched)
	}
	if touched > w.Memory+MemSlack {
		v.Leak("the hog touched %d bytes, more than the %d-byte limit plus %d slack: memory escaped the limit", touched, w.Memory, MemSlack)
	}
}

// judgeMemLimits checks that the memory limit is the one asked for and
// that swap cannot extend it.
func judgeMemLimits(v *matrix.Verdict, m *MemSample, w Want) {
	name, swapName := "memory.limit_in_bytes", "memory.memsw.limit_in_bytes"
	if m.V2 {
		name, swapName = "memory.max", "memory.swap.max"
	}
	if m.Limit != w.Memory {
		v.Leak("%s of the container's cgroup is %s, not %d", name, limit(m.Limit), w.Memory)
	}
	open := m.HasSwap && (m.V2 && m.Swap != 0 || !m.V2 && m.Swap != w.Memory)
	want := "0"
	if !m.V2 {
		want = strconv.FormatInt(w.Memory, 10)
	}
	switch {
	case !m.HasSwap:
		v.Note("%s absent: the kernel has no swap accounting", swapName)
	case open && m.HostSwap == 0:
		// Behaviour decides: with no swap on the host the hog's kill at
		// the limit is the whole story.
		v.Note("%s is %s, not %s: on a host with swap the container could swap past its limit; this host has none (SwapTotal 0)", swapName, limit(m.Swap), want)
	case open:
		v.Leak("%s is %s, not %s: the container may swap past its limit (the host has %d MiB of swap)", swapName, limit(m.Swap), want, m.HostSwap>>20)
	}
}

// common turns the host side's own failures into problems and its
// leftovers into leaks.
func common(v *matrix.Verdict, hs *HostSide) {
	v.Note("cgroup mode: %s; container %s, pid %d", hs.Layout.Mode, hs.ID, hs.ContainerPID)
	switch {
	case hs.WaitErr != "" && sandboxEnded(hs):
		v.Note("the sandbox ended before the probe held: %s", hs.WaitErr)
	case hs.WaitErr != "" && hs.Released:
		// After the go-ahead the judge of the check decides: a probe
		// the OOM killer took down with its child leaves evidence.
		v.Note("the probe never held after its go-ahead: %s", hs.WaitErr)
	case hs.WaitErr != "":
		v.Problem("host never saw the probe hold: %s", hs.WaitErr)
	}
	for _, e := range hs.ReadErrs {
		v.Problem("host-side reading: %s", e)
	}
	for _, l := range hs.Leftovers {
		v.Leak("left behind after the run: %s", l)
	}
	own := containerDirs(hs)
	switch {
	case len(hs.Dirs) > 0 && len(own) == 0:
		v.Note("the container has no cgroup of its own: it ran in %v", hs.Dirs)
	case len(hs.Leftovers) == 0 && len(own) > 0:
		v.Note("after the run: container pid %d gone, its cgroup directories removed (%s)", hs.ContainerPID, strings.Join(own, ", "))
	case len(hs.Leftovers) == 0 && hs.ContainerPID > 0:
		v.Note("after the run: container pid %d gone", hs.ContainerPID)
	}
}

func orNone(s string) string {
	if s == "" {
		return "no matching record"
	}
	return s
}
