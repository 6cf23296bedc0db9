package target

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/little-container/little-container/runtime/cgroups"
)

// Live is a running container as the host sees it, handed to Inspect.
type Live struct {
	// RuntimePID is the host pid of the runtime process we started.
	RuntimePID int
	pidFile    string
	done       <-chan struct{}
}

// Done is closed when the runtime process has exited.
func (l *Live) Done() <-chan struct{} { return l.done }

// ContainerPID returns the host pid of the container's first process: from
// the runtime's pid file when it wrote one, else the deepest descendant of
// the runtime process. 0 when none is running yet.
func (l *Live) ContainerPID() int {
	if l.pidFile != "" {
		if b, err := os.ReadFile(l.pidFile); err == nil {
			if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && pid > 0 {
				return pid
			}
		}
	}
	return deepestDescendant(l.RuntimePID)
}

// Poll calls cond every interval until it returns true or an error, the
// context ends or the runtime exits (then it fails, naming what it waited
// for).
func (l *Live) Poll(ctx context.Context, what string, cond func() (bool, error)) error {
	t := time.NewTicker(20 * time.Millisecond)
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
			if c, err := strconv.Atoi(f); err == nil {
				out = append(out, c)
			}
		}
	}
	return out
}

// deepestDescendant follows first children down from pid; 0 if pid has none.
func deepestDescendant(pid int) int {
	found := 0
	for depth := 0; depth < 16; depth++ {
		c := children(pid)
		if len(c) == 0 {
			return found
		}
		pid, found = c[0], c[0]
	}
	return found
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
