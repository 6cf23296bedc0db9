package cgroups

import (
	"slices"
	"strconv"
	"strings"
)

// OOMRecords picks the kernel log's "oom-kill:" records of a memory-cgroup
// OOM (constraint CONSTRAINT_MEMCG) whose oom_memcg, the cgroup whose limit
// fired, is the container's memory cgroup (its path as /proc/<pid>/cgroup
// gave it, memcg, whatever the runtime named it) or, when the host never
// saw the container's cgroup (an inline hog dies within milliseconds),
// names the container id. msgs are message texts (the part after the ';'
// of a /dev/kmsg record).
func OOMRecords(msgs []string, memcg, id string) []string {
	var out []string
	for _, m := range msgs {
		if !strings.HasPrefix(m, "oom-kill:") || !strings.Contains(m, "constraint=CONSTRAINT_MEMCG") {
			continue
		}
		fired, ok := kmsgField(m, "oom_memcg")
		switch {
		case !ok:
		case memcg != "" && memcg != "/" && (fired == memcg || strings.HasPrefix(fired, memcg+"/")):
			out = append(out, m)
		case id != "" && strings.Contains(fired, id):
			out = append(out, m)
		}
	}
	return out
}

// memcgKilled begins the kernel's line for every process a memory
// cgroup's OOM killer kills ("Memory cgroup out of memory: Killed process
// PID (COMM) ..."). Unlike the "oom-kill:" summary, which the kernel
// rate-limits (ten per five seconds: a run that OOM-kills many containers
// in a few seconds loses some), this line is always printed.
const memcgKilled = "Memory cgroup out of memory: Killed process "

// Kill is the kernel's line for one process a memory cgroup's OOM killer
// killed.
type Kill struct {
	PID  int
	Line string
}

// KillsOf picks the kernel log's memory-cgroup kill lines of pids (the
// processes the host saw in the container's memory cgroup), in the
// kernel's order.
func KillsOf(msgs []string, pids []int) []Kill {
	var out []Kill
	for _, m := range msgs {
		rest, ok := strings.CutPrefix(m, memcgKilled)
		if !ok {
			continue
		}
		n, _, _ := strings.Cut(rest, " ")
		pid, err := strconv.Atoi(n)
		if err == nil && slices.Contains(pids, pid) {
			out = append(out, Kill{PID: pid, Line: m})
		}
	}
	return out
}

// kmsgField returns the value of key in a "k=v,k=v" record.
func kmsgField(rec, key string) (string, bool) {
	rec = strings.TrimPrefix(rec, "oom-kill:")
	for _, kv := range strings.Split(rec, ",") {
		if k, v, ok := strings.Cut(kv, "="); ok && k == key {
			return v, true
		}
	}
	return "", false
}

// kmsgMessage returns the message of one /dev/kmsg record
// ("prio,seq,ts,flags;message\n continuation..."), without continuation
// lines.
func kmsgMessage(rec string) string {
	_, msg, ok := strings.Cut(rec, ";")
	if !ok {
		return ""
	}
	msg, _, _ = strings.Cut(msg, "\n")
	return msg
}

// pidsRejected begins the kernel's one-line record of a pids limit that
// refused a fork, followed by the cgroup's path.
const pidsRejected = "cgroup: fork rejected by pids controller in "

// PidsRecords picks the kernel log's records of a fork the pids controller
// refused in the container's pids cgroup (its path as /proc/<pid>/cgroup
// gave it, or one naming the container id). The kernel logs one per
// cgroup: evidence that outlives a sandbox whose cgroup is gone.
func PidsRecords(msgs []string, path, id string) []string {
	var out []string
	for _, m := range msgs {
		cg, ok := strings.CutPrefix(m, pidsRejected)
		if !ok {
			continue
		}
		cg = strings.TrimSpace(cg)
		if (path != "" && path != "/" && (cg == path || strings.HasPrefix(cg, path+"/"))) || (id != "" && strings.Contains(cg, id)) {
			out = append(out, m)
		}
	}
	return out
}
