package runtime

import (
	"regexp"
	"strings"
	"testing"
)

// The hand-written checks agree with the patterns they replace.
func TestNameChecksMatchTheirPatterns(t *testing.T) {
	idRe := regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)
	hostRe := regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$`)
	nameRe := regexp.MustCompile(`^[A-Za-z0-9_.][A-Za-z0-9_.-]{0,31}\$?$`)
	inputs := []string{"", "a", "-a", "a-", "a.b", "a..b", ".a", "a.", "A_b-9.x", "x$", "$", "1", "123", "a b", "a/b", "é",
		strings.Repeat("a", 32), strings.Repeat("a", 33), strings.Repeat("a", 64), strings.Repeat("a", 65), "a-b.c-d", "a_b.c"}
	for _, s := range inputs {
		if got, want := validID(s), idRe.MatchString(s); got != want {
			t.Errorf("validID(%q) = %v, pattern says %v", s, got, want)
		}
		if got, want := validHostname(s), hostRe.MatchString(s); got != want {
			t.Errorf("validHostname(%q) = %v, pattern says %v", s, got, want)
		}
		if got, want := ValidName(s), nameRe.MatchString(s) && !isNumber(s); got != want {
			t.Errorf("ValidName(%q) = %v, pattern says %v", s, got, want)
		}
	}
}
