package probes

// Probe "caps": what privilege does the process inside hold? Every attempt
// is an observation: succeeded = read, failed = could not be read (the
// suite then fails the check, never passes it). Attempts (stable names):
//
//	cap-eff       CapEff of /proc/self/status. Value = comma-separated
//	cap-prm       CapPrm  capability names, lowest bit first ("" = none),
//	cap-inh       CapInh  e.g. "CAP_CHOWN,CAP_KILL"; Detail = the mask and
//	cap-bnd       CapBnd  the count. Names come from an explicit table
//	cap-amb       CapAmb  (runtime/capability); bits past it read "CAP_<n>".
//	no-new-privs  prctl(PR_GET_NO_NEW_PRIVS). Value "0" | "1".
//	seccomp-mode  Seccomp: line. Value "0" (off) | "1" (strict) | "2"
//	              (filter); Detail carries Seccomp_filters.
//	uid           Uid: line. Value "real/effective", e.g. "0/0".
//	gid           Gid: line. Value "real/effective".
//
// Decode a cap-* Value with SplitCaps.

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/little-container/little-container/runtime/capability"
)

func init() {
	Register("caps", "capabilities, no_new_privs, seccomp mode and ids of the process", 5*time.Second, runCaps)
}

// capSets pairs each attempt with its /proc/self/status key.
var capSets = []struct{ attempt, key string }{
	{"cap-eff", "CapEff"},
	{"cap-prm", "CapPrm"},
	{"cap-inh", "CapInh"},
	{"cap-bnd", "CapBnd"},
	{"cap-amb", "CapAmb"},
}

func runCaps(env *Env) error {
	if err := NewFlags("caps").Parse(env.Args); err != nil {
		return fmt.Errorf("caps: %w", err)
	}
	r := env.Report
	b, err := ReadFileRaw("/proc/self/status")
	if err != nil {
		for _, s := range capSets {
			r.Record(s.attempt, err, "")
		}
		for _, n := range []string{"seccomp-mode", "uid", "gid"} {
			r.Record(n, err, "")
		}
	} else {
		recordStatus(r, ParseStatus(string(b)))
	}
	nnp, err := unix.PrctlRetInt(unix.PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0)
	if err != nil {
		err = fmt.Errorf("prctl PR_GET_NO_NEW_PRIVS: %w", err)
	}
	RecordValue(r, "no-new-privs", err, strconv.Itoa(nnp), "")
	return nil
}

// recordStatus records every attempt that /proc/self/status answers.
func recordStatus(r *Report, st map[string]string) {
	for _, s := range capSets {
		raw, ok := st[s.key]
		if !ok {
			r.NotImplemented(s.attempt, "/proc/self/status has no "+s.key+" line")
			continue
		}
		mask, err := capability.ParseMask(raw)
		if err != nil {
			r.Record(s.attempt, err, "")
			continue
		}
		names := mask.Names()
		RecordValue(r, s.attempt, nil, strings.Join(names, ","), fmt.Sprintf("%s %s: %d capabilities", s.key, raw, len(names)))
	}
	if mode, ok := st["Seccomp"]; ok {
		RecordValue(r, "seccomp-mode", nil, mode, "Seccomp_filters: "+capsOrNone(st["Seccomp_filters"]))
	} else {
		r.NotImplemented("seccomp-mode", "/proc/self/status has no Seccomp line (kernel without CONFIG_SECCOMP)")
	}
	for _, id := range []struct{ attempt, key string }{{"uid", "Uid"}, {"gid", "Gid"}} {
		real, eff, err := statusIDs(st[id.key])
		if err != nil {
			r.Record(id.attempt, err, "")
			continue
		}
		RecordValue(r, id.attempt, nil, real+"/"+eff, id.key+": "+st[id.key])
	}
}

func capsOrNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
