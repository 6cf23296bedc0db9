// Package capability names Linux capabilities and converts between names
// and the bitmasks of /proc/self/status and capset. The runtime uses it to
// build the sets it grants; the probe uses it to decode what it holds, so
// both read a mask against the same explicit table, never a hex string.
package capability

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Cap is a capability number, as in linux/capability.h.
type Cap uint

// names lists every capability up to CAP_CHECKPOINT_RESTORE (Linux 5.9).
var names = []string{
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
	"CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK",
	"CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
	"CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE",
	"CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE",
	"CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
	"CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
	"CAP_CHECKPOINT_RESTORE",
}

// Last is the highest capability this table names.
const Last = Cap(40)

func (c Cap) String() string {
	if int(c) < len(names) {
		return names[c]
	}
	return fmt.Sprintf("CAP_%d", uint(c))
}

// Default is the set a container's root keeps: the default bounding set of
// runc and Docker. Everything that reaches the kernel as a whole
// (CAP_SYS_ADMIN, CAP_SYS_MODULE, CAP_SYS_PTRACE, CAP_NET_ADMIN, ...) is out.
var Default = []Cap{
	0 /*CHOWN*/, 1 /*DAC_OVERRIDE*/, 3 /*FOWNER*/, 4 /*FSETID*/, 5 /*KILL*/, 6 /*SETGID*/, 7, /*SETUID*/
	8 /*SETPCAP*/, 10 /*NET_BIND_SERVICE*/, 13 /*NET_RAW*/, 18 /*SYS_CHROOT*/, 27, /*MKNOD*/
	29 /*AUDIT_WRITE*/, 31, /*SETFCAP*/
}

// Parse reads "CAP_NET_ADMIN", "net_admin" or "NET_ADMIN".
func Parse(s string) (Cap, error) {
	n := strings.ToUpper(strings.TrimSpace(s))
	if !strings.HasPrefix(n, "CAP_") {
		n = "CAP_" + n
	}
	for i, name := range names {
		if name == n {
			return Cap(i), nil
		}
	}
	return 0, fmt.Errorf("unknown capability %q", s)
}

// Set is a set of capabilities as a 64-bit mask, the kernel's layout.
type Set uint64

// NewSet builds a set from capabilities.
func NewSet(caps ...Cap) Set {
	var s Set
	for _, c := range caps {
		s |= 1 << c
	}
	return s
}

// All is every capability this table names.
func All() Set { return Set(1<<(Last+1) - 1) }

// Has reports whether c is in the set.
func (s Set) Has(c Cap) bool { return s&(1<<c) != 0 }

// Caps lists the set's members in ascending order.
func (s Set) Caps() []Cap {
	var out []Cap
	for c := Cap(0); c < 64; c++ {
		if s.Has(c) {
			out = append(out, c)
		}
	}
	return out
}

// Names lists the set's members by name, ascending by number.
func (s Set) Names() []string {
	var out []string
	for _, c := range s.Caps() {
		out = append(out, c.String())
	}
	return out
}

// ParseMask reads a mask as printed in /proc/self/status ("CapEff:\t0000…"):
// hex digits, at most 64 bits.
func ParseMask(hex string) (Set, error) {
	v, err := strconv.ParseUint(strings.TrimSpace(hex), 16, 64)
	if err != nil {
		return 0, fmt.Errorf("capability mask %q: %w", hex, err)
	}
	return Set(v), nil
}

// Adjust applies --cap-add and --cap-drop lists (names or "ALL") to base:
// drops first, then adds, so "--cap-drop ALL --cap-add NET_RAW" keeps one.
func Adjust(base Set, add, drop []string) (Set, error) {
	s := base
	for _, d := range drop {
		if strings.EqualFold(strings.TrimSpace(d), "ALL") {
			s = 0
			continue
		}
		c, err := Parse(d)
		if err != nil {
			return 0, err
		}
		s &^= NewSet(c)
	}
	for _, a := range add {
		if strings.EqualFold(strings.TrimSpace(a), "ALL") {
			s = All()
			continue
		}
		c, err := Parse(a)
		if err != nil {
			return 0, err
		}
		s |= NewSet(c)
	}
	return s, nil
}

// Diff names what a has that b lacks, sorted: evidence for a report.
func Diff(a, b Set) []string {
	n := (a &^ b).Names()
	sort.Strings(n)
	return n
}
