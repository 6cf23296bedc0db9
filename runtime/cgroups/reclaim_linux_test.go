package cgroups

import (
	"errors"
	"maps"
	"os"
	"testing"
	"time"
)

func TestReclaimWhatAKilledRuntimeLeft(t *testing.T) {
	requireRootMode(t, "a cgroup hierarchy", ModeV1, ModeHybrid, ModeUnified)
	var recorded map[string]string
	cg, err := New(Config{ID: uniqueID(t), Resources: Resources{PidsMax: 8}, Record: func(p map[string]string) error {
		recorded = p
		for _, d := range p {
			if _, err := os.Stat(d); err == nil {
				t.Errorf("Record called after %s was created", d)
			}
		}
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cg.Destroy() }) // a no-op once Reclaim did its work
	if !maps.Equal(recorded, cg.Paths()) {
		t.Fatalf("recorded %v, created %v", recorded, cg.Paths())
	}
	// A process in the cgroup whose runtime is gone: nobody waits for it.
	cmd := startInCgroup(t, cg, "sleep 60")
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()

	if err := Reclaim(recorded); err != nil {
		t.Fatalf("Reclaim: %v", err)
	}
	select {
	case <-exited:
	case <-time.After(KillTimeout):
		t.Errorf("the process in the reclaimed cgroup still runs")
	}
	for _, d := range recorded {
		if _, err := os.Stat(d); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s still exists after Reclaim (%v)", d, err)
		}
	}
	if err := Reclaim(recorded); err != nil {
		t.Errorf("a second Reclaim of what is gone: %v", err)
	}
}

func TestReclaimRefusesForeignPaths(t *testing.T) {
	for _, p := range []string{"/etc", "/sys/fs/cgroup/pids/user.slice", "/sys/fs/cgroup/pids/little-container/../x",
		"relative/little-container/x", "/sys/fs/cgroup/unified/other-x"} {
		if err := Reclaim(map[string]string{"pids": p}); !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("Reclaim(%s) = %v, want ErrInvalidConfig", p, err)
		}
	}
}
