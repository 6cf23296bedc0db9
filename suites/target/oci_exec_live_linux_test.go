package target

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/little-container/little-container/suites/fixtures"
)

// liveRootfs builds the static probe and the seed runtime and lays out a
// probe rootfs, all removed when t ends. Skips unless root.
func liveRootfs(t *testing.T) (rootfs, seed string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to run containers")
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
	return rootfs, seed
}

// TestLiveTargets runs the ns probe, held, under every installed foreign
// runtime, finds the container from the host while it holds, and checks
// that nothing is left behind.
func TestLiveTargets(t *testing.T) {
	rootfs, seedBin := liveRootfs(t)
	targets := []Target{&Seed{Bin: seedBin}}
	for _, n := range []string{"runc", "crun", "bwrap"} {
		if bin, err := exec.LookPath(n); err == nil {
			switch n {
			case "runc":
				targets = append(targets, NewRunc(bin))
			case "crun":
				targets = append(targets, NewCrun(bin))
			default:
				targets = append(targets, &Bwrap{Bin: bin})
			}
		}
	}
	for _, tg := range targets {
		for _, rootless := range []bool{false, true} {
			name := tg.Name()
			if rootless {
				name += "/rootless"
			}
			t.Run(name, func(t *testing.T) {
				if ok, why := tg.Can(KnobRootless); rootless && !ok {
					t.Skip(why)
				}
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				var cpid int
				var sawCg map[string]string
				res, err := tg.Run(ctx, RunOpts{
					Rootfs: rootfs, Args: []string{"/probe", "ns", "-hold"}, Hostname: "live-" + tg.Name(),
					Rootless: rootless, ID: NewID(), Log: &strings.Builder{},
					Inspect: func(ctx context.Context, l *Live) error {
						return l.Poll(ctx, "probe to hold", func() (bool, error) {
							cpid = l.ContainerPID()
							if cpid > 0 && ReadingStdin(cpid) {
								sawCg, _ = ProcCgroups(cpid)
								return true, nil
							}
							return false, nil
						})
					},
				})
				if err != nil {
					t.Fatalf("run: %v\nargv %q\nstderr %s", err, res.Argv, res.Stderr)
				}
				if res.DecodeErr != nil {
					t.Fatalf("report: %v\nstdout %s\nstderr %s", res.DecodeErr, res.Stdout, res.Stderr)
				}
				t.Logf("argv %q exit %d container pid %d cgroups pids=%q memory=%q", res.Argv, res.ExitCode, cpid, sawCg["pids"], sawCg["memory"])
				if err := exec.Command("kill", "-0", itoa(cpid)).Run(); err == nil {
					t.Errorf("container pid %d still alive after Run", cpid)
				}
			})
		}
	}
	for _, rt := range []string{"runc", "crun"} {
		if _, err := exec.LookPath(rt); err != nil {
			continue
		}
		argv := []string{rt, "list", "-q"}
		if rt == "crun" && HybridCgroups() {
			argv = CrunHybridWrap(argv)
		}
		out, _ := exec.Command(argv[0], argv[1:]...).CombinedOutput()
		if strings.Contains(string(out), "lc-p") {
			t.Errorf("%s list shows leftovers: %s", rt, out)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
