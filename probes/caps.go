package probes

import (
	"fmt"
	"strconv"
	"strings"
)

// Pure decoding behind the caps probe: the capability sets in
// /proc/self/status are hex masks, and the suite wants names. Masks are
// decoded with runtime/capability, the runtime's own explicit table, so a
// report is read by name, never by comparing hex strings.

// SplitCaps turns a cap-* attempt's Value back into names; "" is the empty set.
func SplitCaps(value string) []string {
	if value == "" {
		return nil
	}
	return strings.Split(value, ",")
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
