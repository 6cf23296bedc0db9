package cgroups

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Unlimited is how ReadInt and ReadKeyed spell "max".
const Unlimited = -1

// PidsSample is the container's pids cgroup as the host read it.
type PidsSample struct {
	Dir     string
	Max     int64 // pids.max; Unlimited for "max"
	Current int64 // pids.current
	Events  int64 // pids.events "max": forks the limit refused
}

func (p PidsSample) String() string {
	return fmt.Sprintf("%s: pids.max=%s pids.current=%d pids.events max=%d", p.Dir, limit(p.Max), p.Current, p.Events)
}

// MemSample is the container's memory cgroup as the host read it.
type MemSample struct {
	Dir string
	V2  bool
	// Limit is memory.limit_in_bytes (v1) or memory.max (v2); Unlimited for "max".
	Limit int64
	// Swap is memory.memsw.limit_in_bytes (v1: memory plus swap) or
	// memory.swap.max (v2: swap alone); HasSwap says the file exists.
	Swap    int64
	HasSwap bool
	// HostSwap is the host's SwapTotal in bytes (/proc/meminfo): with none,
	// a swap limit left open cannot let the container past its limit.
	HostSwap int64
	// OOMKills is "oom_kill" of memory.oom_control (v1) or memory.events (v2).
	OOMKills int64
	// Hits is memory.failcnt (v1) or memory.events "max" (v2): how often
	// usage hit the limit. Evidence only: on v1 with a memsw limit set the
	// kernel leaves failcnt at 0 even across an OOM kill.
	Hits int64
	// Peak is memory.max_usage_in_bytes (v1) or memory.peak (v2), 0 if absent.
	Peak int64
}

func (m MemSample) String() string {
	if m.V2 {
		return fmt.Sprintf("%s: memory.max=%s memory.swap.max=%s memory.events oom_kill=%d max=%d memory.peak=%d",
			m.Dir, limit(m.Limit), optional(m.HasSwap, m.Swap), m.OOMKills, m.Hits, m.Peak)
	}
	return fmt.Sprintf("%s: memory.limit_in_bytes=%s memory.memsw.limit_in_bytes=%s memory.oom_control oom_kill=%d memory.failcnt=%d memory.max_usage_in_bytes=%d",
		m.Dir, limit(m.Limit), optional(m.HasSwap, m.Swap), m.OOMKills, m.Hits, m.Peak)
}

// ForkCheck is whether the host itself could still start a process while
// the container held its children.
type ForkCheck struct {
	Took time.Duration
	Err  string // empty when the trivial command ran and exited 0 in time
}

// HostSide is what the host observed around one run.
type HostSide struct {
	Layout Layout
	// ID is the container id the run asks for (runtimes may name their
	// cgroups otherwise).
	ID string
	// HarnessDirs are the harness's own cgroup directories by controller:
	// a container still in them has no cgroup of its own.
	HarnessDirs map[string]string
	// Paths are the container's cgroup paths by controller as
	// /proc/<pid>/cgroup names them, to match the kernel log's oom_memcg.
	Paths map[string]string
	// Sandboxed says why the container's processes are not host processes
	// (gVisor): the host then judges the sandbox's cgroup, found through
	// the runtime's host process.
	Sandboxed string
	// SandboxSamples counts the readings of a sandbox's counters taken
	// while it lived (the last one is kept in Pids, Mem, CPU).
	SandboxSamples int
	// ContainerPID and StartTime (field 22 of /proc/<pid>/stat) identify
	// the container's first process, so that after the run a reused pid is
	// not mistaken for a survivor.
	ContainerPID int
	StartTime    uint64
	// Dirs maps controller to the container's cgroup directory.
	Dirs map[string]string
	// Held: the probe was seen blocked on stdin (its -hold); WaitErr says
	// why not.
	Held    bool
	WaitErr string
	// Released: the probe awaited the host's go-ahead (Reads.Await), the
	// host found it and read its cgroup (MemFirst), then let it go.
	Released bool
	// InCgroup are the pids the kernel listed in the container's own
	// memory cgroup (cgroup.procs) while the host sampled it: the probe,
	// its hog child, a sandbox's processes.
	InCgroup []int
	// Watched: the host sampled a running busy loop until its counters
	// decided (InspectBurn); Burned is how long it let the loop run.
	Watched bool
	Burned  time.Duration
	// Pids and Mem are read during the hold (or, for the inline hog, at
	// first sight of its cgroup); nil when not read.
	Pids *PidsSample
	Mem  *MemSample
	// CPU is the container's cpu cgroup read during the hold.
	CPU *CPUSample
	// MemFirst is the memory cgroup at first sight: before the inline hog
	// or the go-ahead (Released).
	MemFirst *MemSample
	// OOMSampled is the highest oom_kill count sampled while the container
	// lived (inline hog, or after the go-ahead), Unlimited when never
	// sampled.
	OOMSampled int64
	// HostFork is the host's own fork while the bomb held.
	HostFork *ForkCheck
	// KernelOOM are kernel-log "oom-kill:" records whose memcg names the
	// container; KmsgErr says why the kernel log could not be read.
	KernelOOM []string
	KmsgErr   string
	// Kills are the kernel log's memory-cgroup kill lines (never
	// rate-limited) of the processes in InCgroup.
	Kills []Kill
	// KernelPids are kernel-log records of forks the pids controller
	// refused in the container's cgroup.
	KernelPids []string
	// ReadErrs are host-side readings that failed: never a pass.
	ReadErrs []string
	// Leftovers are what remained of the container after the run.
	Leftovers []string
}

func limit(v int64) string {
	if v == Unlimited {
		return "max"
	}
	return strconv.FormatInt(v, 10)
}

func optional(present bool, v int64) string {
	if !present {
		return "absent"
	}
	return limit(v)
}

// ParseStartTime returns field 22 (starttime) of /proc/<pid>/stat text.
// The command name (field 2) may hold spaces and parentheses, so fields
// are counted after its last ')'.
func ParseStartTime(stat string) (uint64, error) {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, fmt.Errorf("stat %q: no command name", oneLine(stat))
	}
	f := strings.Fields(stat[i+1:])
	// After ')' come field 3 (state) onwards; starttime is field 22.
	if len(f) < 20 {
		return 0, fmt.Errorf("stat %q: only %d fields after the command", oneLine(stat), len(f))
	}
	v, err := strconv.ParseUint(f[19], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("stat starttime %q: %w", f[19], err)
	}
	return v, nil
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// containerDirs are the cgroup directories the runtime made for the
// container, without duplicates (v2 has one directory for every
// controller).
func containerDirs(hs *HostSide) []string {
	var out []string
	for ctrl, d := range hs.Dirs {
		if hs.owns(ctrl, d) && !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	slices.Sort(out)
	return out
}

// owns says whether cgroup directory dir of ctrl is the container's own:
// one the runtime made for it, found from the container's
// /proc/<pid>/cgroup, whatever the runtime named it (runc "/<id>", podman
// "libpod-<hash>", LXC "lxc.payload.<name>"). The harness's own cgroup and
// its ancestors never are, so a container left in the caller's cgroup has
// none, and cleanup never touches the caller's.
func (hs *HostSide) owns(ctrl, dir string) bool {
	if dir == "" {
		return false
	}
	own, ok := hs.HarnessDirs[ctrl]
	if !ok {
		return hs.ID != "" && strings.Contains(dir, hs.ID)
	}
	return dir != own && !strings.HasPrefix(own+"/", dir+"/")
}
