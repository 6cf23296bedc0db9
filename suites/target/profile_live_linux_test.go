package target

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/little-container/little-container/probes"
	"github.com/little-container/little-container/suites/fixtures"
)

// liveRootfs builds the static probe and the seed runtime and lays out a
// probe rootfs, all removed when t ends. Skips unless root.
func liveRootfs(t *testing.T) (rootfs string, built map[string]string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to run containers")
	}
	if testing.Short() {
		t.Skip("runs containers")
	}
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	probe, seed := filepath.Join(dir, "probe"), filepath.Join(dir, "seed")
	for pkg, out := range map[string]string{fixtures.ProbePackage: probe, fixtures.SeedPackage: seed} {
		cmd := exec.Command("go", "build", "-o", out, pkg)
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if msg, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("build %s: %v: %s", pkg, err, msg)
		}
	}
	rootfs, rm, err := fixtures.NewRootfs(probe)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := rm(); err != nil {
			t.Error(err)
		}
	})
	return rootfs, map[string]string{"seed": seed}
}

// probeArgs is a held ns probe's argv with fingerprints carrying a nonce.
func probeArgs(nonce string) []string {
	fp := probes.Fingerprints{Nonce: nonce}
	return []string{fixtures.ProbeInRootfs, "ns", "--fp", fp.Encode(), "-hold"}
}

// TestLiveProfiles runs the ns probe, held, under the seed and every
// installed runtime among runc, crun, bwrap and podman, finds the
// container from the host by its nonce while it holds (podman reparents it
// to PID 1), and checks that nothing carrying the nonce is left after.
func TestLiveProfiles(t *testing.T) {
	rootfs, built := liveRootfs(t)
	for _, name := range []string{"seed", "runc", "crun", "bwrap", "podman"} {
		t.Run(name, func(t *testing.T) {
			p := installed(t, name, built)
			args := probeArgs(strings.ReplaceAll(name, "-", ""))
			id := IdentityOf(args)
			var found int
			var how string
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			res, err := p.Run(ctx, RunOpts{Rootfs: rootfs, Args: args, Hostname: "lc-live", Log: testWriter{t},
				Inspect: func(ctx context.Context, l *Live) error {
					return l.Poll(ctx, "the container", func() (bool, error) {
						found = l.ContainerPID()
						how = l.Found()
						return found > 0 && l.Holding(found), nil
					})
				}})
			if err != nil {
				t.Fatalf("run: %v (stderr %s)", err, res.Stderr)
			}
			if res.DecodeErr != nil || !res.Started {
				t.Fatalf("report %v, started %v: %s", res.DecodeErr, res.Started, res.Stderr)
			}
			if found == 0 || !strings.Contains(how, "own pid namespace") {
				t.Errorf("container pid %d, %q: want it found in its own pid namespace", found, how)
			}
			if left := FindByIdentity(id); left != 0 {
				t.Errorf("pid %d with the probe's nonce survived the run", left)
			}
		})
	}
}

// TestLiveKilledRuntime: when the harness gives up on a run (its context
// ends while the container holds), the runtime is killed, its container
// with it wherever it lives, and the profile's cleanup removes what the
// runtime left (runc's container survives its killed runc otherwise).
func TestLiveKilledRuntime(t *testing.T) {
	rootfs, built := liveRootfs(t)
	for _, name := range []string{"runc", "podman"} {
		t.Run(name, func(t *testing.T) {
			p := installed(t, name, built)
			args := probeArgs("killed" + name)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			o := RunOpts{Rootfs: rootfs, Args: args, ID: "lc-live-killed-" + name, Log: testWriter{t},
				Inspect: func(_ context.Context, l *Live) error {
					err := l.Poll(context.Background(), "the container", func() (bool, error) {
						pid := l.ContainerPID()
						return pid > 0 && l.Holding(pid), nil
					})
					cancel() // give up while it holds
					<-l.Done()
					return err
				}}
			_, err := p.Run(ctx, o)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("run = %v, want canceled", err)
			}
			if left := FindByIdentity(IdentityOf(args)); left != 0 {
				t.Errorf("pid %d with the probe's nonce survived the killed runtime", left)
			}
			if name == "runc" {
				if out, err := exec.Command("runc", "state", o.ID).CombinedOutput(); err == nil {
					t.Errorf("runc still knows the container after cleanup: %s", out)
				}
			}
		})
	}
}

// installed is the shipped profile of name, skipping when its runtime is
// not installed here.
func installed(t *testing.T, name string, built map[string]string) *Profile {
	t.Helper()
	p, err := Shipped(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Resolve(built); err != nil {
		t.Skip(err)
	}
	return p
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
