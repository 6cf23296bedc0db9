package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"github.com/little-container/little-container/runtime"
	"github.com/little-container/little-container/runtime/capability"
	"github.com/little-container/little-container/runtime/cgroups"
)

const runUsage = `Usage: little-container run [flags] COMMAND [ARG...]

Runs COMMAND as PID 1 of a new container: new PID, mount, UTS, IPC, network
(loopback only) and cgroup namespaces; the rootfs becomes / through
pivot_root and the old root is detached; /proc, a read-only /sys and a
minimal /dev are mounted fresh. As root, the container gets a cgroup of its
own that holds the limits and is removed when the command ends. When not
root, a user namespace maps you to root inside (rootless mode).

Exit status: the command's own; 128+N if a signal N killed it; 125 if the
runtime failed; 126 if COMMAND cannot be executed; 127 if it is not found.
Signals INT, TERM, HUP and QUIT sent to little-container are passed on.

Hardening, on by default: root inside keeps only runc's default capability
set; no_new_privs is set; a seccomp filter denies module loading, kexec,
keyrings, bpf, perf, mount and new user or mount namespaces (EPERM);
/proc/kcore, /proc/keys, ... are masked and /proc/sys is read-only; the
rootfs and /dev are nodev, so only the standard devices open.

Flags marked "weakening" switch one defence off: they exist so the test
suites can prove each check fails without it. Do not use them otherwise.

Flags:
`

// runOpts are the flag values of `run`.
type runOpts struct {
	rootfs, hostname, memory, workdir, user, share, id, pidFile, seccomp, cpus string
	pidsMax                                                                    int64
	preserveFDs                                                                int
	env, capAdd, capDrop                                                       listFlag
	rootless, userns, chroot, newPrivs, unmask, allowDevices                   bool
}

// listFlag collects a repeatable flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func runFlags(stderr io.Writer) (*flag.FlagSet, *runOpts) {
	o := &runOpts{}
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.rootfs, "rootfs", "rootfs", "`DIR` that becomes the container's root")
	fs.StringVar(&o.hostname, "hostname", "", "UTS host `NAME` inside (default: the container id)")
	fs.Int64Var(&o.pidsMax, "pids-max", 0, "cgroup limit on processes and threads, `N` > 0")
	fs.StringVar(&o.memory, "memory", "", "cgroup memory limit of `SIZE`, e.g. 32M or 1G; no swap beyond it")
	fs.StringVar(&o.cpus, "cpus", "", "cgroup CPU quota of `N` CPUs, e.g. 0.5 for half of one CPU")
	fs.Var(&o.env, "env", "set `K=V` in the environment (repeatable)")
	fs.StringVar(&o.workdir, "workdir", "/", "working `DIR` inside the container")
	fs.StringVar(&o.user, "user", "", "run as `UID[:GID]` inside (default 0:0)")
	fs.BoolVar(&o.rootless, "rootless", false, "run unprivileged through a user namespace (automatic when not root)")
	fs.BoolVar(&o.userns, "userns", false, "as root, add a user namespace: root inside is uid 100000 outside")
	fs.Var(&o.capAdd, "cap-add", "give root inside capability `CAP` beyond the default set (repeatable; ALL for every one)")
	fs.Var(&o.capDrop, "cap-drop", "take capability `CAP` from the default set (repeatable; ALL for every one)")
	fs.StringVar(&o.seccomp, "seccomp", "default", "system call filter `PROFILE`: default, or unconfined (weakening)")
	fs.BoolVar(&o.newPrivs, "allow-new-privileges", false, "weakening: leave no_new_privs unset, so setuid binaries gain privilege")
	fs.BoolVar(&o.unmask, "unmask", false, "weakening: do not mask /proc/kcore, /proc/keys, ... nor make /proc/sys read-only")
	fs.BoolVar(&o.allowDevices, "allow-devices", false, "weakening: mount the rootfs and /dev without nodev, so mknod'ed devices open")
	fs.StringVar(&o.share, "share", "", "weakening for negative controls: keep the host's `NS,...` (pid, mnt, net, ipc, uts, user, cgroup)")
	fs.BoolVar(&o.chroot, "chroot", false, "weakening: chroot instead of pivot_root (the seed runtime's escapable root)")
	fs.StringVar(&o.id, "id", "", "container `ID`, names its cgroup (default: random)")
	fs.IntVar(&o.preserveFDs, "preserve-fds", 0, "pass `N` descriptors after stdio (3, 4, ...) on to the command, as runc does")
	fs.StringVar(&o.pidFile, "pid-file", "", "write the container's host PID to `FILE` once it runs")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), runUsage)
		printFlags(fs)
	}
	return fs, o
}

func runCmd(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs, o := runFlags(stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return runtime.ExitRuntimeError
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "little-container: %v\n", err)
		return runtime.ExitCode(err)
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	spec, err := o.spec(fs.Args(), set)
	if err != nil {
		return fail(err)
	}
	spec.Stdin, spec.Stdout, spec.Stderr = stdin, stdout, stderr

	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT)
	defer signal.Stop(sigs)
	spec.Signals = sigs

	if o.pidFile != "" {
		spec.Started = func(pid int) error {
			if err := os.WriteFile(o.pidFile, []byte(strconv.Itoa(pid)+"\n"), 0o644); err != nil {
				return fmt.Errorf("pid file: %w", err)
			}
			return nil
		}
		defer os.Remove(o.pidFile)
	}
	st, err := runtime.Run(context.Background(), spec)
	if err != nil {
		return fail(err)
	}
	return st.ExitCode()
}

// spec turns the flags into a runtime.Spec, rejecting bad values with a
// message that names the flag.
func (o *runOpts) spec(args []string, set map[string]bool) (runtime.Spec, error) {
	s := runtime.Spec{
		ID: o.id, Rootfs: o.rootfs, Args: args, Env: o.env, Cwd: o.workdir,
		Hostname: o.hostname, Rootless: o.rootless, UserNS: o.userns, Chroot: o.chroot,
		AllowNewPrivileges: o.newPrivs, Unmasked: o.unmask, AllowDevices: o.allowDevices,
		PreserveFDs: o.preserveFDs,
	}
	switch o.seccomp {
	case "default", "":
	case "unconfined":
		s.Seccomp = runtime.SeccompUnconfined
	default:
		return s, fmt.Errorf("--seccomp %q: want default or unconfined", o.seccomp)
	}
	if len(o.capAdd)+len(o.capDrop) > 0 {
		caps, err := capability.Adjust(capability.NewSet(capability.Default...), splitList(o.capAdd), splitList(o.capDrop))
		if err != nil {
			return s, fmt.Errorf("--cap-add/--cap-drop: %w", err)
		}
		s.Capabilities = &caps
	}
	if len(args) == 0 {
		return s, errors.New("no command given (try 'little-container help run')")
	}
	if o.pidsMax < 0 || (o.pidsMax == 0 && set["pids-max"]) {
		return s, fmt.Errorf("--pids-max %d: must be greater than zero", o.pidsMax)
	}
	s.Resources.PidsMax = o.pidsMax
	if o.memory != "" {
		m, err := runtime.ParseSize(o.memory)
		if err != nil {
			return s, fmt.Errorf("--memory: %w", err)
		}
		s.Resources.MemoryMax = m
	}
	if o.cpus != "" {
		q, err := parseCPUs(o.cpus)
		if err != nil {
			return s, fmt.Errorf("--cpus %s: %w", o.cpus, err)
		}
		s.Resources.CPUQuota, s.Resources.CPUPeriod = q, cgroups.DefaultCPUPeriod
	}
	if o.user != "" {
		uid, gid, err := parseUser(o.user)
		if err != nil {
			return s, fmt.Errorf("--user %s: %w", o.user, err)
		}
		s.UID, s.GID = uid, gid
	}
	if o.share != "" {
		ns, err := runtime.ParseNamespaces(o.share)
		if err != nil {
			return s, fmt.Errorf("--share: %w", err)
		}
		s.Share = ns
	}
	return s, nil
}

// printFlags lists the flags GNU-style (--name ARG), the way they are
// written everywhere else; the flag package accepts both forms.
func printFlags(fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		arg, usage := flag.UnquoteUsage(f)
		name := "--" + f.Name
		if arg != "" {
			name += " " + arg
		}
		fmt.Fprintf(fs.Output(), "  %-24s %s", name, usage)
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
			fmt.Fprintf(fs.Output(), " (default %q)", f.DefValue)
		}
		fmt.Fprintln(fs.Output())
	})
}

// parseCPUs turns "0.5" into a quota of 50000 µs per 100 ms period.
func parseCPUs(v string) (int64, error) {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f <= 0 || f > 1024 {
		return 0, errors.New("want a number of CPUs greater than zero, e.g. 0.5")
	}
	q := cgroups.CPUQuota(f)
	if q < 1000 {
		return 0, errors.New("below the kernel's minimum quota of 1 ms per period (0.01 CPUs)")
	}
	return q, nil
}

// splitList accepts both repeated flags and comma-separated values.
func splitList(l []string) []string {
	var out []string
	for _, v := range l {
		out = append(out, strings.Split(v, ",")...)
	}
	return out
}

func parseUser(v string) (uid, gid int, err error) {
	u, g, hasGID := strings.Cut(v, ":")
	if uid, err = strconv.Atoi(u); err != nil || uid < 0 {
		return 0, 0, errors.New("want numeric UID[:GID]")
	}
	gid = uid
	if hasGID {
		if gid, err = strconv.Atoi(g); err != nil || gid < 0 {
			return 0, 0, errors.New("want numeric UID[:GID]")
		}
	}
	return uid, gid, nil
}
