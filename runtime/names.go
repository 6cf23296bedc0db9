package runtime

import "strings"

// Name checks written out by hand rather than as regular expressions: a
// pattern such as [A-Za-z0-9_.-]{0,63} compiles, at every start of this
// binary (the CLI and the container's init alike), into dozens of states
// and over a thousand allocations, a measurable part of a container's
// start.

func alnum(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' }

// validID accepts a container id: 1-64 letters, digits, '_', '.', '-',
// starting with a letter or digit.
func validID(s string) bool {
	if len(s) == 0 || len(s) > 64 || !alnum(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !alnum(c) && c != '_' && c != '.' && c != '-' {
			return false
		}
	}
	return true
}

// validHostname accepts dot-separated labels of letters, digits and '-',
// each starting and ending with a letter or digit (RFC 1123).
func validHostname(s string) bool {
	if s == "" {
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || !alnum(label[0]) || !alnum(label[len(label)-1]) {
			return false
		}
		for i := 0; i < len(label); i++ {
			if c := label[i]; !alnum(c) && c != '-' {
				return false
			}
		}
	}
	return true
}

// ValidName accepts a user or group name as useradd does: at most 32
// characters of letters, digits, '_', '.', '-' (not first) and a final
// '$', not all digits.
func ValidName(s string) bool {
	body := strings.TrimSuffix(s, "$")
	if len(body) == 0 || len(body) > 32 || isNumber(s) || body[0] == '-' {
		return false
	}
	for i := 0; i < len(body); i++ {
		if c := body[i]; !alnum(c) && c != '_' && c != '.' && c != '-' {
			return false
		}
	}
	return true
}
