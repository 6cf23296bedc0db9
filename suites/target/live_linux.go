package target

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/little-container/little-container/runtime/cgroups"
)

// Live is a running container as the host sees it, handed to Inspect.
type Live struct {
	// RuntimePID is the host pid of the runtime process we started.
	RuntimePID int
	pidFile    string
	id         Identity
	sandboxed  string
	done       <-chan struct{}
	stderr     *stderrWatch
	stdin      io.Writer // the container's stdin, held open while Inspect runs

	mu    sync.Mutex
	found int    // the container pid last found
	start uint64 // its start time, so a reused pid is not taken for it
	how   string // how it was found, for evidence
	// releases counts the go-aheads Release gave; rcharAt is the
	// container's rchar (/proc/<pid>/io) just before the last one.
	releases int
	rcharAt  uint64
}

// Done is closed when the runtime process has exited.
func (l *Live) Done() <-chan struct{} { return l.done }

// Sandboxed says why the container's processes are not host processes
// (gVisor runs them in a kernel of its own), or "" when they are.
func (l *Live) Sandboxed() string { return l.sandboxed }

// ContainerPID returns the host pid of the container's first process: the
// topmost process whose command line is the probe's, found wherever the
// runtime put it (the runtime's pid file is a fast path, trusted only when
// the pid it names has that command line). 0 when none is running yet,
// and always for a sandboxed runtime, whose container has no host pid.
func (l *Live) ContainerPID() int {
	if l.sandboxed != "" {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.found > 0 && sameProcess(l.found, l.start) && l.id.Matches(readCmdline(l.found)) {
		return l.found
	}
	l.found, l.how = 0, ""
	if pid := l.fromPidFile(); pid > 0 {
		l.set(pid, "through the runtime's pid file")
		return pid
	}
	if pid := FindByIdentity(l.id); pid > 0 {
		l.set(pid, "by its nonce in /proc/<pid>/cmdline")
		return pid
	}
	return 0
}

func (l *Live) set(pid int, how string) {
	l.found, l.start = pid, startTime(pid)
	st := readStatus(pid)
	l.how = fmt.Sprintf("container found %s: %s", how, st.Describe(pid))
}

func (l *Live) fromPidFile() int {
	if l.pidFile == "" {
		return 0
	}
	b, err := os.ReadFile(l.pidFile)
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 || !l.id.Matches(readCmdline(pid)) {
		return 0
	}
	return pid
}

// SandboxPID returns the runtime's host process that carries a sandboxed
// container: a descendant of the runtime that it moved into a cgroup of
// its own (the cgroup the runtime made for the sandbox). A descendant
// passing through the root cgroup, or any ancestor of the runtime's own
// (runsc moves a helper there for a moment), is not in one. 0 when there
// is none (yet).
func (l *Live) SandboxPID() int {
	own, err := os.ReadFile(fmt.Sprintf("/proc/%d/cgroup", l.RuntimePID))
	if err != nil {
		return 0
	}
	queue := children(l.RuntimePID)
	for seen := 0; len(queue) > 0 && seen < 256; seen++ {
		pid := queue[0]
		queue = append(queue[1:], children(pid)...)
		cg, err := os.ReadFile(fmt.Sprintf("/proc/%d/cgroup", pid))
		if err == nil && CgroupOfItsOwn(string(cg), string(own)) {
			l.mu.Lock()
			l.how = fmt.Sprintf("the container's processes are not host processes (%s); the host judges the sandbox: runtime process %d (%s), in the cgroups the runtime made for it",
				l.sandboxed, pid, programOf(pid))
			l.mu.Unlock()
			return pid
		}
	}
	return 0
}

// CgroupOfItsOwn says whether a process whose /proc/<pid>/cgroup text is
// cg sits, in some hierarchy, in a cgroup that is neither the one of own
// (the runtime's /proc/<pid>/cgroup text) nor an ancestor of it.
func CgroupOfItsOwn(cg, own string) bool {
	ce, err1 := cgroups.ParseProcFile(cg)
	oe, err2 := cgroups.ParseProcFile(own)
	if err1 != nil || err2 != nil {
		return cg != own
	}
	mine := cgroups.ByController(oe)
	for ctrl, p := range cgroups.ByController(ce) {
		o, ok := mine[ctrl]
		if !ok || (p != o && !strings.HasPrefix(o, strings.TrimSuffix(p, "/")+"/")) {
			return true
		}
	}
	return false
}

// HostPID is the host process whose cgroups hold the container: its first
// process, or for a sandboxed runtime the sandbox's.
func (l *Live) HostPID() int {
	if l.sandboxed != "" {
		return l.SandboxPID()
	}
	return l.ContainerPID()
}

// Holding says whether the probe holds on stdin: seen from the host (pid
// blocked reading fd 0) for a host process; for a sandboxed container,
// whose processes the host cannot see, from the probe's own hold line.
// After a Release, the read the host sees may still be the one the
// go-ahead ends: it is a new hold only once the probe has read the byte
// (its rchar rose) or announced a hold again.
func (l *Live) Holding(pid int) bool {
	l.mu.Lock()
	rel, at := l.releases, l.rcharAt
	l.mu.Unlock()
	announced := l.stderr != nil && l.stderr.Holds() > rel
	if l.sandboxed != "" {
		return announced
	}
	if pid <= 0 || !ReadingStdin(pid) {
		return false
	}
	if rel == 0 || announced {
		return true
	}
	r, ok := readRchar(pid)
	return ok && r > at
}

// Release gives a probe that awaits the host's go-ahead (memhog -await)
// its byte on stdin, keeping stdin open for the probe's later hold. pid is
// the container's host pid as Inspect found it (0 for a sandbox).
func (l *Live) Release(pid int) error {
	if l.stdin == nil {
		return errors.New("release: the container's stdin is not held open")
	}
	at, _ := readRchar(pid)
	l.mu.Lock()
	l.releases++
	l.rcharAt = at
	l.mu.Unlock()
	if _, err := l.stdin.Write([]byte{'\n'}); err != nil {
		return fmt.Errorf("release: write the container's stdin: %w", err)
	}
	return nil
}

// readRchar reads the bytes pid has read (rchar of /proc/<pid>/io).
func readRchar(pid int) (uint64, bool) {
	if pid <= 0 {
		return 0, false
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/io", pid))
	if err != nil {
		return 0, false
	}
	return ParseRchar(string(b))
}

// ParseRchar reads the rchar field of /proc/<pid>/io text.
func ParseRchar(text string) (uint64, bool) {
	for _, line := range strings.Split(text, "\n") {
		if v, ok := strings.CutPrefix(line, "rchar:"); ok {
			n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64)
			return n, err == nil
		}
	}
	return 0, false
}

// Started says whether the probe announced its start.
func (l *Live) Started() bool { return l.stderr != nil && l.stderr.Started() }

// Found says how the host found the container, for evidence.
func (l *Live) Found() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.how
}

// Poll calls cond every 20 ms until it returns true or an error, the
// context ends or the runtime exits (then it fails, naming what it waited
// for).
func (l *Live) Poll(ctx context.Context, what string, cond func() (bool, error)) error {
	return l.PollEvery(ctx, what, 20*time.Millisecond, cond)
}

// PollEvery is Poll at another interval.
func (l *Live) PollEvery(ctx context.Context, what string, every time.Duration, cond func() (bool, error)) error {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		ok, err := cond()
		if err != nil {
			return fmt.Errorf("waiting for %s: %w", what, err)
		}
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s: %w", what, ctx.Err())
		case <-l.done:
			if ok, err := cond(); err == nil && ok {
				return nil
			}
			return fmt.Errorf("waiting for %s: container exited first", what)
		case <-t.C:
		}
	}
}

// FindByIdentity scans /proc for the probe's processes and returns the
// topmost one's pid, 0 if none runs.
func FindByIdentity(id Identity) int {
	return Topmost(scanIdentity(id))
}

// KillIdentity kills every process carrying the probe's identity: what a
// runtime killed from outside, or one that reparented its container, may
// leave running.
func KillIdentity(id Identity) {
	for pid := range scanIdentity(id) {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
}

func scanIdentity(id Identity) map[int]ProcStatus {
	out := map[int]ProcStatus{}
	if len(id.Args) == 0 {
		return out
	}
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return out
	}
	self := os.Getpid()
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == self {
			continue
		}
		if id.Matches(readCmdline(pid)) {
			out[pid] = readStatus(pid)
		}
	}
	return out
}

// programOf is the first word of pid's command line.
func programOf(pid int) string {
	if w := SplitCmdline(readCmdline(pid)); len(w) > 0 {
		return w[0]
	}
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
	return strings.TrimSpace(string(b))
}

func readCmdline(pid int) []byte {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	return b
}

func readStatus(pid int) ProcStatus {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	return ParseStatus(string(b))
}

// startTime is field 22 of /proc/<pid>/stat, 0 when unreadable.
func startTime(pid int) uint64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 20 {
		return 0
	}
	v, _ := strconv.ParseUint(f[19], 10, 64)
	return v
}

func sameProcess(pid int, start uint64) bool { return start != 0 && startTime(pid) == start }

// children lists pid's direct children from /proc/<pid>/task/*/children.
func children(pid int) []int {
	tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	if err != nil {
		return nil
	}
	var out []int
	for _, t := range tasks {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/children", pid, t.Name()))
		if err != nil {
			continue
		}
		for _, f := range strings.Fields(string(b)) {
			if c, err := strconv.Atoi(f); err == nil && !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	return out
}

// ProcCgroups reads /proc/<pid>/cgroup.
func ProcCgroups(pid int) (map[string]string, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cgroup", pid))
	if err != nil {
		return nil, fmt.Errorf("read cgroups of %d: %w", pid, err)
	}
	entries, err := cgroups.ParseProcFile(string(b))
	if err != nil {
		return nil, fmt.Errorf("cgroups of %d: %w", pid, err)
	}
	return cgroups.ByController(entries), nil
}

// ReadingStdin says whether some thread of pid is blocked in read(2) on fd
// 0 — how a probe holding with -hold looks from the host. It tells the host
// the probe has done everything before its hold, without any output.
func ReadingStdin(pid int) bool {
	tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	if err != nil {
		return false
	}
	for _, t := range tasks {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/syscall", pid, t.Name()))
		if err != nil {
			continue
		}
		if IsStdinRead(string(b)) {
			return true
		}
	}
	return false
}

// IsStdinRead parses /proc/<pid>/task/<tid>/syscall text: syscall number
// 0 (read on x86-64) with first argument 0 (stdin).
func IsStdinRead(syscallText string) bool {
	f := strings.Fields(syscallText)
	return len(f) >= 2 && f[0] == readSyscallNr && f[1] == "0x0"
}
