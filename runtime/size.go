package runtime

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseSize reads a byte count such as "32M", "1G", "512k" or "4096".
// Units are binary (1K = 1024) and may end in "B" or "iB".
func ParseSize(s string) (int64, error) {
	orig := s
	s = strings.TrimSpace(s)
	for _, suf := range []string{"iB", "ib", "B", "b"} {
		if strings.HasSuffix(s, suf) && len(s) > len(suf) {
			s = strings.TrimSuffix(s, suf)
			break
		}
	}
	mult := int64(1)
	if n := len(s); n > 0 {
		switch s[n-1] {
		case 'k', 'K':
			mult = 1 << 10
		case 'm', 'M':
			mult = 1 << 20
		case 'g', 'G':
			mult = 1 << 30
		case 't', 'T':
			mult = 1 << 40
		}
		if mult != 1 {
			s = s[:n-1]
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || s == "" || s[0] == '+' || s[0] == '-' {
		return 0, fmt.Errorf("size %q: want a positive number with an optional unit K, M, G or T", orig)
	}
	if n <= 0 {
		return 0, fmt.Errorf("size %q: must be greater than zero", orig)
	}
	if n > (1<<63-1)/mult {
		return 0, fmt.Errorf("size %q: too large", orig)
	}
	return n * mult, nil
}

// FormatSize prints a byte count in the largest binary unit that divides
// it: 512K, 2M, 1G, or plain bytes.
func FormatSize(n int64) string {
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"T", 1 << 40}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}} {
		if n >= u.mult && n%u.mult == 0 {
			return strconv.FormatInt(n/u.mult, 10) + u.suffix
		}
	}
	return strconv.FormatInt(n, 10)
}
