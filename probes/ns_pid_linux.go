package probes

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// nsMaxListedPIDs caps the pids written into pid-visible's Detail.
const nsMaxListedPIDs = 50

// nsRecordPIDs records pid-self, pid-visible and kill-sentinel.
func nsRecordPIDs(r *Report, fp *Fingerprints) {
	RecordValue(r, "pid-self", nil, strconv.Itoa(unix.Getpid()), fmt.Sprintf("ppid=%d", unix.Getppid()))

	names, err := ListDirRaw("/proc")
	if err != nil {
		RecordValue(r, "pid-visible", err, "", "")
	} else {
		pids := NumericNames(names)
		RecordValue(r, "pid-visible", nil, strconv.Itoa(len(pids)), JoinInts(pids, nsMaxListedPIDs))
	}

	pid := fp.SentinelPID
	if pid <= 0 { // 0 and -1 would signal our process group / every process
		r.Unsupported("kill-sentinel", "no sentinel pid given")
		return
	}
	err = unix.Kill(pid, 0)
	var detail []string
	if errors.Is(err, unix.EPERM) {
		detail = append(detail, "a process with this pid exists but may not be signalled")
	}
	if comm, cerr := ReadTrimmed(fmt.Sprintf("/proc/%d/comm", pid)); cerr == nil {
		detail = append(detail, "comm="+comm)
	}
	RecordValue(r, "kill-sentinel", err, strconv.Itoa(pid), strings.Join(detail, "; "))
}

// NumericNames returns the names that are positive decimal numbers (the pid
// directories of a /proc listing), ascending.
func NumericNames(names []string) []int {
	var out []int
	for _, n := range names {
		if n == "" || n[0] < '1' || n[0] > '9' {
			continue
		}
		v, err := strconv.Atoi(n)
		if err != nil || v <= 0 {
			continue
		}
		out = append(out, v)
	}
	sort.Ints(out)
	return out
}

// JoinInts renders up to max numbers comma-separated, then "+N more".
func JoinInts(v []int, max int) string {
	var b strings.Builder
	for i, n := range v {
		if i == max {
			fmt.Fprintf(&b, " +%d more", len(v)-max)
			break
		}
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(n))
	}
	return b.String()
}
