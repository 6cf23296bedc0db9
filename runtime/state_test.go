package runtime

import (
	"testing"
	"time"
)

func TestParseStartTime(t *testing.T) {
	// The command name may hold spaces and parentheses.
	stat := "4242 (a) b (c)) S 1 4242 4242 0 -1 4194560 99 0 0 0 0 0 0 0 20 0 1 0 123456 1000 10 18446744073709551615"
	if got, err := parseStartTime(stat); err != nil || got != 123456 {
		t.Errorf("parseStartTime = %d, %v; want 123456", got, err)
	}
	for _, bad := range []string{"", "1 (x", "1 (x) S 1 2"} {
		if _, err := parseStartTime(bad); err == nil {
			t.Errorf("parseStartTime(%q) accepted", bad)
		}
	}
}

func TestFormatAgeAndSize(t *testing.T) {
	for d, want := range map[time.Duration]string{5 * time.Second: "5s", 3 * time.Minute: "3m", 5 * time.Hour: "5h", 72 * time.Hour: "3d"} {
		if got := FormatAge(d); got != want {
			t.Errorf("FormatAge(%v) = %q, want %q", d, got, want)
		}
	}
	for n, want := range map[int64]string{512 << 10: "512K", 2 << 20: "2M", 1536 << 10: "1536K", 1 << 30: "1G", 1000: "1000"} {
		if got := FormatSize(n); got != want {
			t.Errorf("FormatSize(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestCaughtMask(t *testing.T) {
	m, err := caughtMask("Name:\tsh\nSigIgn:\t0000000000000004\nSigCgt:\t0000000000014002\n")
	if err != nil || m != 0x14002 {
		t.Fatalf("caughtMask = %#x, %v", m, err)
	}
	if m&sigBit(15) == 0 || m&sigBit(2) == 0 || m&sigBit(3) != 0 {
		t.Errorf("bits of %#x: TERM and INT caught, QUIT not", m)
	}
	if _, err := caughtMask("Name:\tsh\n"); err == nil {
		t.Error("no SigCgt line accepted")
	}
}
