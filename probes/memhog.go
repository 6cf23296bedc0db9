package probes

import (
	"fmt"
	"strconv"
	"strings"
)

// Pure parts of the memory-hog probe.

const (
	// MemhogDefaultMax is how much memory memhog touches by default.
	MemhogDefaultMax = 256 << 20
	// MemhogHardMax bounds -max, so a missing memory limit never lets the
	// probe eat the machine running the suite.
	MemhogHardMax = 1 << 30
	// MemhogDefaultStep is the size of one mapping.
	MemhogDefaultStep = 4 << 20
	memhogPage        = 4096
)

// parseBytes reads a byte count: a plain number, or one with a suffix
// K, M, G (powers of 1024; "KiB", "MiB", "GiB", "KB", "k" are accepted too).
func parseBytes(s string) (int64, error) {
	t := strings.TrimSpace(s)
	mult := int64(1)
	lower := strings.ToLower(t)
	for _, suf := range []struct {
		s string
		m int64
	}{
		{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30},
		{"kb", 1 << 10}, {"mb", 1 << 20}, {"gb", 1 << 30},
		{"k", 1 << 10}, {"m", 1 << 20}, {"g", 1 << 30}, {"b", 1},
	} {
		if strings.HasSuffix(lower, suf.s) {
			mult, t = suf.m, strings.TrimSpace(t[:len(t)-len(suf.s)])
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("byte size %q: want a non-negative number with an optional K/M/G suffix", s)
	}
	if n > (1<<62)/mult {
		return 0, fmt.Errorf("byte size %q: too large", s)
	}
	return n * mult, nil
}

// byteSize is a flag.Value for parseBytes.
type byteSize int64

func (b *byteSize) String() string { return strconv.FormatInt(int64(*b), 10) }

func (b *byteSize) Set(s string) error {
	n, err := parseBytes(s)
	if err != nil {
		return err
	}
	*b = byteSize(n)
	return nil
}

// clampHog bounds -max to [one page, MemhogHardMax] and -step to [one
// page, max], both rounded down to whole pages.
func clampHog(max, step int64) (int64, int64) {
	max = max / memhogPage * memhogPage
	if max < memhogPage {
		max = memhogPage
	}
	if max > MemhogHardMax {
		max = MemhogHardMax
	}
	step = step / memhogPage * memhogPage
	if step < memhogPage {
		step = memhogPage
	}
	if step > max {
		step = max
	}
	return max, step
}

// Progress lines the hog child prints before its report.
const (
	progressTouched = "touched " // followed by the bytes touched so far
	progressError   = "error "   // followed by the symbolic errno of a failed mmap
)

// parseProgress reads the hog child's stdout: the last "touched N" line, and
// the errno of an "error E" line if any. Other lines (its report) and an
// unterminated last line are ignored.
func parseProgress(out string) (touched int64, errno string) {
	if i := strings.LastIndexByte(out, '\n'); i >= 0 {
		out = out[:i]
	} else {
		out = ""
	}
	for _, line := range strings.Split(out, "\n") {
		if v, ok := strings.CutPrefix(line, progressTouched); ok {
			if n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil {
				touched = n
			}
		}
		if v, ok := strings.CutPrefix(line, progressError); ok {
			errno = strings.TrimSpace(v)
		}
	}
	return touched, errno
}
