package probes

import (
	"fmt"
	"strconv"
	"strings"
)

// Pure decoding behind the caps probe: the capability sets in
// /proc/self/status are hex masks, and the suite wants names. The table is
// explicit (capability(7), include/uapi/linux/capability.h) so a report is
// read by name, never by comparing hex strings that change with the kernel.

// capNames maps capability bit numbers to their names, CAP_CHOWN=0 …
// CAP_CHECKPOINT_RESTORE=40.
var capNames = [...]string{
	0:  "CAP_CHOWN",
	1:  "CAP_DAC_OVERRIDE",
	2:  "CAP_DAC_READ_SEARCH",
	3:  "CAP_FOWNER",
	4:  "CAP_FSETID",
	5:  "CAP_KILL",
	6:  "CAP_SETGID",
	7:  "CAP_SETUID",
	8:  "CAP_SETPCAP",
	9:  "CAP_LINUX_IMMUTABLE",
	10: "CAP_NET_BIND_SERVICE",
	11: "CAP_NET_BROADCAST",
	12: "CAP_NET_ADMIN",
	13: "CAP_NET_RAW",
	14: "CAP_IPC_LOCK",
	15: "CAP_IPC_OWNER",
	16: "CAP_SYS_MODULE",
	17: "CAP_SYS_RAWIO",
	18: "CAP_SYS_CHROOT",
	19: "CAP_SYS_PTRACE",
	20: "CAP_SYS_PACCT",
	21: "CAP_SYS_ADMIN",
	22: "CAP_SYS_BOOT",
	23: "CAP_SYS_NICE",
	24: "CAP_SYS_RESOURCE",
	25: "CAP_SYS_TIME",
	26: "CAP_SYS_TTY_CONFIG",
	27: "CAP_MKNOD",
	28: "CAP_LEASE",
	29: "CAP_AUDIT_WRITE",
	30: "CAP_AUDIT_CONTROL",
	31: "CAP_SETFCAP",
	32: "CAP_MAC_OVERRIDE",
	33: "CAP_MAC_ADMIN",
	34: "CAP_SYSLOG",
	35: "CAP_WAKE_ALARM",
	36: "CAP_BLOCK_SUSPEND",
	37: "CAP_AUDIT_READ",
	38: "CAP_PERFMON",
	39: "CAP_BPF",
	40: "CAP_CHECKPOINT_RESTORE",
}

// CapName names capability bit n; a bit newer than the table is "CAP_<n>",
// so a kernel that knows more capabilities still reports every bit.
func CapName(n int) string {
	if n >= 0 && n < len(capNames) {
		return capNames[n]
	}
	return "CAP_" + strconv.Itoa(n)
}

// DecodeCaps lists the names of the capabilities set in mask, lowest bit
// first.
func DecodeCaps(mask uint64) []string {
	var out []string
	for n := 0; n < 64; n++ {
		if mask&(1<<uint(n)) != 0 {
			out = append(out, CapName(n))
		}
	}
	return out
}

// SplitCaps turns a cap-* attempt's Value back into names; "" is the empty set.
func SplitCaps(value string) []string {
	if value == "" {
		return nil
	}
	return strings.Split(value, ",")
}

// ParseCapMask parses one capability mask as /proc/<pid>/status prints it
// (16 hex digits, no prefix).
func ParseCapMask(s string) (uint64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("capability mask: empty")
	}
	m, err := strconv.ParseUint(s, 16, 64)
	if err != nil {
		return 0, fmt.Errorf("capability mask %q: %w", s, err)
	}
	return m, nil
}

// ParseStatus splits the text of /proc/<pid>/status into "Key" → value with
// surrounding white space removed ("CapEff" → "000001ffffffffff",
// "Uid" → "0\t0\t0\t0"). Lines without a colon are ignored.
func ParseStatus(text string) map[string]string {
	out := map[string]string{}
	for _, line := range strings.Split(text, "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok || strings.TrimSpace(k) == "" {
			continue
		}
		out[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	return out
}

// statusIDs parses a Uid:/Gid: value "real effective saved fs" and returns
// real and effective.
func statusIDs(v string) (real, effective string, err error) {
	f := strings.Fields(v)
	if len(f) != 4 {
		return "", "", fmt.Errorf("id line %q: want 4 fields", v)
	}
	for _, s := range f {
		if _, err := strconv.ParseUint(s, 10, 32); err != nil {
			return "", "", fmt.Errorf("id line %q: %w", v, err)
		}
	}
	return f[0], f[1], nil
}
