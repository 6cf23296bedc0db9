package target

import (
	"bytes"
	"slices"
	"strconv"
	"strings"

	"github.com/little-container/little-container/probes"
)

// Finding the container by identity. Runtimes daemonize, reparent (podman's
// conmon is a child of PID 1), wrap the command in an init of their own
// (LXC) or run it under a kernel of their own (gVisor), so the host never
// takes "the deepest first child" for the container. The probe's argv
// carries the run's fingerprints, and with them a nonce unique to the run:
// the container's first process is the topmost process whose command line
// is exactly that argv (its forks, a bomb's children, share it; the
// runtime's own command line holds more words). NSpid in its status then
// says which pid namespace it lives in.

// Identity is how the host recognises the probe's processes.
type Identity struct {
	Args  []string // the probe's argv inside the container
	Nonce string   // the fingerprints' nonce, in the probe's stderr lines
}

// Matches says whether a NUL-separated /proc/<pid>/cmdline is the probe's
// argv. The program word may be spelled differently by a runtime that
// resolves it (a path inside the rootfs), so only its base name counts.
func (id Identity) Matches(cmdline []byte) bool {
	if len(id.Args) == 0 {
		return false
	}
	words := SplitCmdline(cmdline)
	if len(words) != len(id.Args) || base(words[0]) != base(id.Args[0]) {
		return false
	}
	return slices.Equal(words[1:], id.Args[1:])
}

func base(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[i+1:]
	}
	return p
}

// SplitCmdline splits /proc/<pid>/cmdline text into its words.
func SplitCmdline(b []byte) []string {
	b = bytes.TrimSuffix(b, []byte{0})
	if len(b) == 0 {
		return nil
	}
	var out []string
	for _, w := range bytes.Split(b, []byte{0}) {
		out = append(out, string(w))
	}
	return out
}

// ProcStatus is what the host reads from /proc/<pid>/status.
type ProcStatus struct {
	PPid  int
	NSpid []int // the pid in each pid namespace, outermost (the host's) first
}

// ParseStatus reads PPid and NSpid from /proc/<pid>/status text. A kernel
// without NSpid (before 4.1) leaves it empty.
func ParseStatus(text string) ProcStatus {
	var st ProcStatus
	for _, line := range strings.Split(text, "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		switch k {
		case "PPid":
			st.PPid, _ = strconv.Atoi(strings.TrimSpace(v))
		case "NSpid":
			for _, f := range strings.Fields(v) {
				if n, err := strconv.Atoi(f); err == nil {
					st.NSpid = append(st.NSpid, n)
				}
			}
		}
	}
	return st
}

// Topmost picks the container's first process among the pids matching the
// identity: the one whose parent does not match (the probe, not one of
// its children); the lowest such pid when several qualify.
func Topmost(matches map[int]ProcStatus) int {
	best := 0
	for pid, st := range matches {
		if _, parentMatches := matches[st.PPid]; parentMatches {
			continue
		}
		if best == 0 || pid < best {
			best = pid
		}
	}
	return best
}

// Describe says where the found process lives, for evidence.
func (st ProcStatus) Describe(pid int) string {
	if len(st.NSpid) > 1 {
		return "host pid " + strconv.Itoa(pid) + ", pid " + strconv.Itoa(st.NSpid[len(st.NSpid)-1]) + " in its own pid namespace"
	}
	return "host pid " + strconv.Itoa(pid) + ", in the host's pid namespace"
}

// IsProbeLine says whether a stderr line is one of the probe's
// announcements (probes.StartLine, probes.HoldLine), kept out of the
// evidence.
func IsProbeLine(line string) bool {
	return strings.HasPrefix(line, probes.StartLine) || strings.HasPrefix(line, probes.HoldLine)
}
