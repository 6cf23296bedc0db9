// Command bench measures start-to-exit latency of a trivial container
// (/bin/true in the same busybox rootfs, full isolation and limits) under
// little-container, crun, runc, bwrap and bare unshare+chroot, runs
// interleaved so machine noise hits every runtime alike, and prints medians
// and the ratio of little-container's to each. It also measures containers
// per second with N in parallel. Run as root: go run ./bench -n 50
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/little-container/little-container/oci"
)

type runner struct {
	name  string
	argv  func(i int) []string // command line for run i
	setup func() error
}

func main() {
	n := flag.Int("n", 40, "runs per runtime")
	par := flag.Int("parallel", 4, "containers in flight for the throughput test")
	lc := flag.String("lc", "build/little-container", "little-container binary")
	rootfs := flag.String("rootfs", "rootfs", "busybox rootfs (make rootfs)")
	flag.Parse()
	if os.Geteuid() != 0 {
		fail("run as root: every runtime is measured with full isolation and cgroup limits")
	}
	root, err := filepath.Abs(*rootfs)
	check(err)
	lcBin, err := filepath.Abs(*lc)
	check(err)
	if _, err := os.Stat(filepath.Join(root, "bin/true")); err != nil {
		fail("no %s/bin/true: run make rootfs", root)
	}
	tmp, err := os.MkdirTemp("", "lc-bench-")
	check(err)
	defer os.RemoveAll(tmp)

	hybrid := exists("/sys/fs/cgroup/unified")
	bundle := filepath.Join(tmp, "bundle")
	check(oci.WriteBundle(bundle, oci.Options{Rootfs: root, Args: []string{"/bin/true"}, Hostname: "bench", PidsMax: 64, Memory: 64 << 20}))

	runners := []runner{
		{name: "little-container", argv: func(i int) []string {
			return []string{lcBin, "run", "--rootfs", root, "--pids-max", "64", "--memory", "64M", "/bin/true"}
		}},
	}
	if p, err := exec.LookPath("crun"); err == nil {
		runners = append(runners, runner{name: "crun", argv: func(i int) []string {
			a := []string{p, "run", "--bundle", bundle, fmt.Sprintf("bench-crun-%d-%d", os.Getpid(), i)}
			if hybrid { // crun refuses hybrid hosts: hide the unified mount
				return append([]string{"unshare", "-m", "--propagation", "private", "sh", "-c", `umount /sys/fs/cgroup/unified && exec "$@"`, "sh"}, a...)
			}
			return a
		}})
	}
	if p, err := exec.LookPath("runc"); err == nil {
		runners = append(runners, runner{name: "runc", argv: func(i int) []string {
			return []string{p, "run", "--bundle", bundle, fmt.Sprintf("bench-runc-%d-%d", os.Getpid(), i)}
		}})
	}
	if p, err := exec.LookPath("bwrap"); err == nil {
		runners = append(runners, runner{name: "bwrap", argv: func(int) []string {
			return []string{p, "--unshare-all", "--die-with-parent", "--bind", root, "/", "--proc", "/proc", "--dev", "/dev", "--hostname", "bench", "/bin/true"}
		}})
	}
	runners = append(runners, runner{name: "unshare+chroot", argv: func(int) []string {
		return []string{"unshare", "-pmnuif", "--mount-proc=" + root + "/proc", "chroot", root, "/bin/true"}
	}})

	samples := map[string][]time.Duration{}
	cpu := map[string][]time.Duration{}
	for i := 0; i < *n; i++ {
		for _, r := range runners { // interleaved
			d, c, err := timeRunCPU(r.argv(i))
			if err != nil {
				fail("%s: %v", r.name, err)
			}
			samples[r.name] = append(samples[r.name], d)
			cpu[r.name] = append(cpu[r.name], c)
		}
	}
	ours, oursCPU := median(samples["little-container"]), median(cpu["little-container"])
	// CPU time (user+sys of the runtime and every process it waited for)
	// is what a start costs the machine: on a loaded host it varies less
	// than wall time, which waits for other work too.
	fmt.Printf("start-to-exit latency of /bin/true, %d interleaved runs each (median, p90; CPU median)\n", *n)
	for _, r := range runners {
		s := samples[r.name]
		ratio := ""
		if r.name != "little-container" {
			ratio = fmt.Sprintf("  little-container/%s = %.2f (CPU %.2f)", r.name,
				float64(ours)/float64(median(s)), float64(oursCPU)/float64(median(cpu[r.name])))
		}
		fmt.Printf("  %-18s %8.1f ms %8.1f ms  CPU %5.1f ms%s\n", r.name, ms(median(s)), ms(pct(s, 90)), ms(median(cpu[r.name])), ratio)
	}
	if hybrid {
		fmt.Println("  (crun runs inside 'unshare -m' to hide this hybrid host's unified mount: that adds about 1 ms)")
	}

	fmt.Printf("\ncontainers per second, %d in parallel, %d containers each\n", *par, *n)
	for _, r := range runners {
		start := time.Now()
		var wg sync.WaitGroup
		next := make(chan int)
		errs := make(chan error, *n)
		for w := 0; w < *par; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range next {
					if _, err := timeRun(r.argv(100000 + i)); err != nil {
						errs <- err
					}
				}
			}()
		}
		for i := 0; i < *n; i++ {
			next <- i
		}
		close(next)
		wg.Wait()
		close(errs)
		if err := <-errs; err != nil {
			fail("%s parallel: %v", r.name, err)
		}
		fmt.Printf("  %-18s %8.1f /s\n", r.name, float64(*n)/time.Since(start).Seconds())
	}
}

// timeRunCPU is timeRun plus the CPU time of the run's process tree.
func timeRunCPU(argv []string) (time.Duration, time.Duration, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	var errb strings.Builder
	cmd.Stderr = &errb
	start := time.Now()
	err := cmd.Run()
	d := time.Since(start)
	if err != nil {
		return d, 0, fmt.Errorf("%v: %v: %s", argv, err, errb.String())
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	return d, time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), nil
}

func timeRun(argv []string) (time.Duration, error) {
	d, _, err := timeRunCPU(argv)
	return d, err
}

func median(s []time.Duration) time.Duration { return pct(s, 50) }

func pct(s []time.Duration, p int) time.Duration {
	c := append([]time.Duration(nil), s...)
	sort.Slice(c, func(i, j int) bool { return c[i] < c[j] })
	return c[(len(c)-1)*p/100]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

func check(err error) {
	if err != nil {
		fail("%v", err)
	}
}

func fail(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", a...)
	os.Exit(1)
}
