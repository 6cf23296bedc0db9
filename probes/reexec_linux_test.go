package probes

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// reexecRequireRoot skips a real-kernel test that needs root.
func reexecRequireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root (chroot, cgroups)")
	}
}

// reexecBuildProbe builds the static probe binary into a fresh temp dir,
// the way the suites build it.
func reexecBuildProbe(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go tool not on PATH")
	}
	bin := filepath.Join(t.TempDir(), "probe")
	cmd := exec.Command("go", "build", "-o", bin, "../cmd/probe")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build probe: %v\n%s", err, out)
	}
	return bin
}

// reexecRunProbe runs the built probe with args and decodes its report.
func reexecRunProbe(t *testing.T, cmd *exec.Cmd) *Report {
	t.Helper()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.WaitDelay = 5 * time.Second
	runErr := cmd.Run()
	rep, err := Decode(out.Bytes())
	if err != nil {
		t.Fatalf("probe %v: run %v, decode %v\nstderr: %s", cmd.Args, runErr, err, errb.String())
	}
	if runErr != nil {
		t.Fatalf("probe %v: %v\nstderr: %s", cmd.Args, runErr, errb.String())
	}
	t.Logf("report: %+v", rep.Attempts)
	return rep
}

// reexecAttempt returns the named attempt or fails the test.
func reexecAttempt(t *testing.T, rep *Report, name string) Attempt {
	t.Helper()
	a, ok := rep.Attempt(name)
	if !ok {
		t.Fatalf("report lacks attempt %q: %+v", name, rep.Attempts)
	}
	return a
}

func TestHoldBudget(t *testing.T) {
	now := time.Now()
	tests := []struct {
		name     string
		start    time.Time
		deadline time.Duration
		max      time.Duration
		wantMin  time.Duration
		wantMax  time.Duration
	}{
		{"capped by max", now, 60 * time.Second, 15 * time.Second, 15 * time.Second, 15 * time.Second},
		{"capped by deadline", now.Add(-20 * time.Second), 30 * time.Second, 15 * time.Second, 6 * time.Second, 7 * time.Second},
		{"past deadline", now.Add(-40 * time.Second), 30 * time.Second, 15 * time.Second, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := holdBudget(tc.start, tc.deadline, tc.max)
			if got < tc.wantMin || got > tc.wantMax {
				t.Errorf("holdBudget = %v, want in [%v, %v]", got, tc.wantMin, tc.wantMax)
			}
		})
	}
}
