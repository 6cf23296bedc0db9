package probes

import (
	"strings"
	"testing"
	"time"
)

func TestClampBurn(t *testing.T) {
	for _, tc := range []struct {
		in, want time.Duration
	}{
		{CpuburnDefaultFor, CpuburnDefaultFor},
		{0, 100 * time.Millisecond},
		{-time.Second, 100 * time.Millisecond},
		{time.Minute, CpuburnHardFor},
		{3 * time.Second, 3 * time.Second},
	} {
		if got := clampBurn(tc.in); got != tc.want {
			t.Errorf("clampBurn(%s) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestBurnRatio(t *testing.T) {
	for _, tc := range []struct {
		cpu, wall time.Duration
		want      float64
	}{
		{2 * time.Second, 2 * time.Second, 1},
		{400 * time.Millisecond, 2 * time.Second, 0.2},
		{time.Second, 0, 0},
		{0, time.Second, 0},
	} {
		if got := BurnRatio(tc.cpu, tc.wall); got < tc.want-1e-9 || got > tc.want+1e-9 {
			t.Errorf("BurnRatio(%s, %s) = %v, want %v", tc.cpu, tc.wall, got, tc.want)
		}
	}
	if d := burnDetail(400*time.Millisecond, 2*time.Second); !strings.Contains(d, "ratio cpu/wall 0.20") {
		t.Errorf("burnDetail = %q, want the ratio 0.20 in it", d)
	}
}
