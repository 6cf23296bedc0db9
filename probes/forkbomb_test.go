package probes

import "testing"

func TestClampForks(t *testing.T) {
	for in, want := range map[int]int{-5: 1, 0: 1, 1: 1, 20: 20, 512: 512, 2048: 2048, 2049: 2048, 1 << 30: 2048} {
		if got := clampForks(in); got != want {
			t.Errorf("clampForks(%d) = %d, want %d", in, got, want)
		}
	}
}

func TestReleaseCount(t *testing.T) {
	for in, want := range map[int]int{0: 0, 1: 1, 2: 1, 10: 5, 25: 12, 32: 16, 500: 16} {
		if got := releaseCount(in); got != want {
			t.Errorf("releaseCount(%d) = %d, want %d", in, got, want)
		}
	}
}

func TestThreadsFromStatus(t *testing.T) {
	status := "Name:\tprobe\nState:\tS (sleeping)\nThreads:\t7\nSigQ:\t0/9\n"
	if got, ok := threadsFromStatus(status); !ok || got != "7" {
		t.Errorf("threadsFromStatus = %q, %t; want 7", got, ok)
	}
	if _, ok := threadsFromStatus("Name:\tx\n"); ok {
		t.Error("found Threads in a status without it")
	}
}
