package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/little-container/little-container/runtime"
	"github.com/little-container/little-container/runtime/capability"
	"github.com/little-container/little-container/runtime/cgroups"
)

const runUsage = `Usage: little-container run [flags] COMMAND [ARG...]

Runs COMMAND as PID 1 of a new container: new PID, mount, UTS, IPC, network
(loopback only), cgroup and, where the kernel has them (5.6+), time
namespaces; the rootfs becomes / through pivot_root and the old root is
detached; /proc, a read-only /sys and a minimal /dev are mounted fresh. As
root, the container gets a cgroup of its own that holds the limits and is
removed when the command ends. When not root, a user namespace maps you to
root inside (rootless mode).

A person's container, as with docker run -it:

  little-container run -t --init --net slirp -v $PWD:/src --rootfs debian bash

Exit status: the command's own; 128+N if a signal N killed it; 125 if the
runtime failed or a flag is wrong (one line on stderr); 126 if COMMAND
cannot be executed; 127 if it is not found.

Signals: INT, TERM, HUP and QUIT sent to little-container are passed on to
the command. The kernel gives a PID namespace's init only the signals it
has a handler for, so a signal is held until the command has installed
one (read from /proc/PID/status) and then delivered, however early it came,
during set-up included; a command that never handles it (sleep as PID 1)
never gets it, one that ignores it drops it. With --share pid, signals are
delivered at once. Unless stdin is a terminal, the container runs in a
process group of its own, so a signal to the runtime's group reaches it
only through the runtime. If the runtime itself is killed, the container
dies with it (parent-death signal); 'little-container gc' removes what is
left.

Hostile rootfs: every path inside the rootfs (proc, sys, dev, the targets of
--volume and --tmpfs) is resolved as if the rootfs were /, so a symlink
never leads out of it (openat2 RESOLVE_IN_ROOT, or a step-by-step walk on
kernels without it), and mounts go onto descriptors. proc, sys and dev must
be real directories (or absent); a rootfs with a symlink there is refused
with exit 125. A mask or read-only path that cannot be applied is an error.

Hardening, on by default: root inside keeps only runc's default capability
set; no_new_privs is set; a seccomp filter denies module loading, kexec,
keyrings, bpf, perf, mount and new user or mount namespaces (EPERM);
/proc/kcore, /proc/keys, ... are masked and /proc/sys is read-only; the
rootfs and /dev are nodev, so only the standard devices open. As root
without a user namespace those devices are nodes of the container's own
(mknod), never the host's; under a user namespace they are bind mounts of
the host's, which the container cannot chmod.

Volumes (--volume HOST:CONTAINER[:ro], repeatable) are bind mounts, nodev
and nosuid; ro is a read-only remount (recursive where the kernel has
mount_setattr, 5.12+), checked after it is made. A missing container path
is created inside the rootfs. --read-only makes the rootfs read-only; add
--tmpfs /tmp (repeatable) for writable places.

Terminal: --tty (-t) gives the command a new pty of the container's own
devpts instance (its /dev/pts/0; the host's ptys are not there) as stdin,
stdout and stderr, and copies between it and yours. Your terminal is raw
meanwhile, so Ctrl-C, Ctrl-Z and Ctrl-\ are keys for the container's own
line discipline; its window size follows yours (SIGWINCH); TERM is yours
unless --env sets it; your terminal's mode comes back when the container
ends, however it ends short of SIGKILL. Without --tty the container gets
your stdin, stdout and stderr as they are.

--init: PID 1 is then a small reaper of this binary's own, set up and
locked down like the command, that starts COMMAND as its child, passes on
HUP, INT, QUIT, TERM, USR1, USR2, ALRM, WINCH and CONT, reaps zombies and
exits with COMMAND's status. So SIGINT (or Ctrl-C with --tty) ends
'sleep 100' with 130, which without --init ignores it as PID 1.

User: --user takes names from the rootfs's own /etc/passwd and /etc/group
(read inside the container, as untrusted input: never through a link out
of it, only a regular file) or numbers; HOME is the user's home there, or
/, unless --env sets it. A named user gets its passwd group and the groups
that list it. --env-file reads KEY=VALUE lines from a host file, as
docker does; --env wins over it.

Network: --net none (the default) leaves loopback only. --net slirp adds
tap0 (10.0.2.100/24, gateway 10.0.2.2, DNS 10.0.2.3 written to the
container's /etc/resolv.conf) through slirp4netns (sandboxed, seccomp on):
connections go out as host sockets of the runtime's user; nothing on the
host listens for the container but what --publish asks for; the host's
127.0.0.1 is out of reach unless --net slirp:host-loopback.

Rootless ids: with a range of yours in /etc/subuid and /etc/subgid and
newuidmap/newgidmap installed (Debian package uidmap), root inside is you
and ids 1..65536 are your subordinate range, so apt's _apt and every other
user work; otherwise only root inside is mapped and one line says why.

--preserve-fds N passes descriptors 3 to 3+N-1 on, and only ones the caller
really passed: asking for more than were passed is an error (runc would
hand on whatever sits there, the runtime's own descriptors included).
--user takes ids from 0 to 2147483647 (runc's range); an id the user
namespace does not map is refused.

State: while it runs, the container is recorded in --state-dir (default
/run/little-container as root, $XDG_RUNTIME_DIR/little-container rootless),
for 'little-container ps', 'kill', 'delete' and 'gc'.

Flags marked "weakening" switch one defence off: they exist so the test
suites can prove each check fails without it. Do not use them otherwise.

Flags:
`

// runOpts are the flag values of `run`.
type runOpts struct {
	rootfs, hostname, memory, workdir, user, share, id, pidFile, seccomp, cpus, stateDir, net  string
	pidsMax, preserveFDs                                                                       decFlag
	env, envFiles, capAdd, capDrop, volumes, tmpfs, uidMaps, gidMaps, publish                  listFlag
	rootless, userns, chroot, newPrivs, unmask, allowDevices, readOnly, followLinks, tty, init bool
}

// listFlag collects a repeatable flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// decFlag is a whole decimal number (the flag package's own integers also
// take 0x10 and 010, which is not what anyone means by a limit).
type decFlag struct {
	v   int64
	set bool
}

func (d *decFlag) String() string { return strconv.FormatInt(d.v, 10) }
func (d *decFlag) Set(s string) error {
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || s == "" || s[0] == '+' {
		return errors.New("want a whole number")
	}
	d.v, d.set = v, true
	return nil
}

// shortFlags are one-letter aliases, shown with their long name.
var shortFlags = map[string]string{"v": "volume", "t": "tty", "e": "env", "p": "publish", "u": "user"}

func runFlags() (*flag.FlagSet, *runOpts) {
	o := &runOpts{}
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.StringVar(&o.rootfs, "rootfs", "rootfs", "`DIR` that becomes the container's root")
	fs.StringVar(&o.hostname, "hostname", "", "UTS host `NAME` inside (default: from the container id)")
	fs.Var(&o.pidsMax, "pids-max", "cgroup limit on processes and threads, `N` > 0, at most the kernel's pid_max")
	fs.StringVar(&o.memory, "memory", "", "cgroup memory limit of `SIZE`, e.g. 32M or 1G (at least 2M); no swap beyond it")
	fs.StringVar(&o.cpus, "cpus", "", "cgroup CPU quota of `N` CPUs, e.g. 0.5 for half of one CPU")
	fs.Var(&o.env, "env", "set `K=V` in the environment (repeatable; overrides --env-file)")
	fs.Var(&o.env, "e", "")
	fs.Var(&o.envFiles, "env-file", "read KEY=VALUE lines from host `FILE` (# comments; a bare KEY takes yours; repeatable)")
	fs.StringVar(&o.workdir, "workdir", "/", "working `DIR` inside the container")
	fs.StringVar(&o.user, "user", "", "run as `USER[:GROUP]` inside: names from the rootfs's /etc/passwd and /etc/group, or ids 0 to 2147483647 (default 0:0)")
	fs.StringVar(&o.user, "u", "", "")
	fs.BoolVar(&o.tty, "tty", false, "give the command a new terminal (a pty of the container's own /dev/pts); yours goes raw meanwhile")
	fs.BoolVar(&o.tty, "t", false, "")
	fs.BoolVar(&o.init, "init", false, "run a small reaper as PID 1 that passes signals on and reaps zombies (Ctrl-C then ends sleep)")
	fs.StringVar(&o.net, "net", "none", "network `MODE`: none (loopback only), slirp (outbound through slirp4netns), slirp:host-loopback")
	fs.Var(&o.publish, "publish", "with --net slirp, forward host port `SPEC` [IP:]HOST:CONTAINER[/udp] into the container (repeatable; IP default 0.0.0.0)")
	fs.Var(&o.publish, "p", "")
	fs.BoolVar(&o.rootless, "rootless", false, "run unprivileged through a user namespace (automatic when not root)")
	fs.BoolVar(&o.userns, "userns", false, "as root, add a user namespace: root inside is uid 100000 outside")
	fs.Var(&o.uidMaps, "uid-map", "with a user namespace, map `C:H:N`: N uids from C inside to H outside (repeatable; replaces the default map; 0:0:N is a weakening)")
	fs.Var(&o.gidMaps, "gid-map", "the same for gids, `C:H:N` (repeatable)")
	fs.Var(&o.capAdd, "cap-add", "give root inside capability `CAP` beyond the default set (repeatable; ALL for every one)")
	fs.Var(&o.capDrop, "cap-drop", "take capability `CAP` from the default set (repeatable; ALL for every one)")
	fs.StringVar(&o.seccomp, "seccomp", "default", "system call filter `PROFILE`: default, or unconfined (weakening)")
	fs.Var(&o.volumes, "volume", "bind-mount `HOST:CONTAINER[:ro]` into the container, nodev,nosuid (repeatable)")
	fs.Var(&o.volumes, "v", "")
	fs.Var(&o.tmpfs, "tmpfs", "mount a fresh tmpfs at `PATH` inside, nodev,nosuid, mode 1777 (repeatable)")
	fs.BoolVar(&o.readOnly, "read-only", false, "mount the rootfs read-only (volumes and --tmpfs keep their own mode)")
	fs.BoolVar(&o.newPrivs, "allow-new-privileges", false, "weakening: leave no_new_privs unset, so setuid binaries gain privilege")
	fs.BoolVar(&o.unmask, "unmask", false, "weakening: do not mask /proc/kcore, /proc/keys, ... nor make /proc/sys read-only")
	fs.BoolVar(&o.allowDevices, "allow-devices", false, "weakening: mount the rootfs and /dev without nodev, so mknod'ed devices open")
	fs.StringVar(&o.share, "share", "", "weakening for negative controls: keep the host's `NS,...` (pid, mnt, net, ipc, uts, user, cgroup, time)")
	fs.BoolVar(&o.chroot, "chroot", false, "weakening: chroot instead of pivot_root (the seed runtime's escapable root)")
	fs.BoolVar(&o.followLinks, "unsafe-follow-rootfs-links", false, "weakening: follow symlinks in the rootfs out of it, as the seed runtime did, and skip masks that cannot be found")
	fs.StringVar(&o.id, "id", "", "container `ID`, names its cgroup and state (default: random)")
	fs.Var(&o.preserveFDs, "preserve-fds", "pass `N` descriptors the caller passed after stdio (3, 4, ...) on to the command")
	fs.StringVar(&o.pidFile, "pid-file", "", "write the container's host PID to `FILE` once it runs")
	fs.StringVar(&o.stateDir, "state-dir", "", "keep the container's state in `DIR` (default "+runtime.DefaultStateDir()+")")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), runUsage)
		printFlags(fs)
	}
	return fs, o
}

// parseRun turns run's command line into a Spec, without touching the
// kernel: what the fuzz test drives. Every error is a usage error (125).
func parseRun(args []string) (runtime.Spec, *runOpts, error) {
	fs, o := runFlags()
	if err := parseFlags(fs, "run", args); err != nil {
		return runtime.Spec{}, o, err
	}
	s, err := o.spec(fs.Args())
	if err == nil {
		err = s.Validate()
	}
	return s, o, err
}

func runCmd(args []string, stdin io.Reader, stdout, stderr io.Writer, sigs chan os.Signal) int {
	spec, o, err := parseRun(args)
	if errors.Is(err, flag.ErrHelp) {
		commands["run"](stdout)
		return 0
	}
	if err != nil {
		return fail(stderr, err)
	}
	if len(o.envFiles) > 0 {
		var fromFiles []string
		for _, f := range o.envFiles {
			env, err := readEnvFile(f, os.LookupEnv)
			if err != nil {
				return fail(stderr, usageError(err.Error()))
			}
			fromFiles = append(fromFiles, env...)
		}
		spec.Env = mergeEnv(fromFiles, spec.Env) // --env wins
		if err := spec.Validate(); err != nil {
			return fail(stderr, err)
		}
	}
	spec.Stdin, spec.Stdout, spec.Stderr = stdin, stdout, stderr
	spec.Notice = func(msg string) { fmt.Fprintf(stderr, "little-container: %s\n", msg) }
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
		return fail(stderr, err)
	}
	return st.ExitCode()
}

// spec turns the flags into a runtime.Spec, rejecting bad values with a
// message that names the flag.
func (o *runOpts) spec(args []string) (runtime.Spec, error) {
	s := runtime.Spec{
		ID: o.id, Rootfs: o.rootfs, Args: args, Env: mergeEnv(o.env), Cwd: o.workdir,
		Hostname: o.hostname, Rootless: o.rootless || os.Geteuid() != 0, UserNS: o.userns, Chroot: o.chroot,
		AllowNewPrivileges: o.newPrivs, Unmasked: o.unmask, AllowDevices: o.allowDevices,
		ReadOnlyRoot: o.readOnly, FollowRootfsLinks: o.followLinks, Tmpfs: o.tmpfs, StateDir: o.stateDir,
	}
	switch o.seccomp {
	case "default", "":
	case "unconfined":
		s.Seccomp = runtime.SeccompUnconfined
	default:
		return s, fmt.Errorf("--seccomp %s: want default or unconfined", show(o.seccomp))
	}
	if len(o.capAdd)+len(o.capDrop) > 0 {
		caps, err := capability.Adjust(capability.NewSet(capability.Default...), splitList(o.capAdd), splitList(o.capDrop))
		if err != nil {
			return s, fmt.Errorf("--cap-add/--cap-drop: %w", err)
		}
		s.Capabilities = &caps
	}
	if len(args) == 0 {
		return s, errors.New("no command given (see 'little-container help run')")
	}
	if o.pidsMax.set && o.pidsMax.v <= 0 {
		return s, fmt.Errorf("--pids-max %d: must be greater than zero", o.pidsMax.v)
	}
	s.Resources.PidsMax = o.pidsMax.v
	if o.preserveFDs.v < 0 || o.preserveFDs.v > 1024 {
		return s, fmt.Errorf("--preserve-fds %d: want 0 to 1024", o.preserveFDs.v)
	}
	s.PreserveFDs = int(o.preserveFDs.v)
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
			return s, fmt.Errorf("--cpus %s: %w", show(o.cpus), err)
		}
		s.Resources.CPUQuota, s.Resources.CPUPeriod = q, cgroups.DefaultCPUPeriod
	}
	if o.user != "" {
		u, err := parseUser(o.user)
		if err != nil {
			return s, fmt.Errorf("--user %s: %w", show(o.user), err)
		}
		s.UID, s.GID, s.UserName, s.GroupName = u.uid, u.gid, u.name, u.group
	}
	mode, loopback, err := runtime.ParseNet(o.net)
	if err != nil {
		return s, fmt.Errorf("--net: %w", err)
	}
	s.Net, s.HostLoopback = mode, loopback
	for _, v := range o.publish {
		p, err := runtime.ParsePort(v)
		if err != nil {
			return s, fmt.Errorf("--publish: %w", err)
		}
		s.Publish = append(s.Publish, p)
	}
	s.TTY, s.Init = o.tty, o.init
	if s.TTY && !slices.ContainsFunc(s.Env, func(e string) bool { return strings.HasPrefix(e, "TERM=") }) {
		s.Env = append(s.Env, "TERM="+termName())
	}
	if o.share != "" {
		ns, err := runtime.ParseNamespaces(o.share)
		if err != nil {
			return s, fmt.Errorf("--share: %w", err)
		}
		s.Share = ns
	}
	for _, v := range o.volumes {
		vol, err := runtime.ParseVolume(v)
		if err != nil {
			return s, fmt.Errorf("--volume: %w", err)
		}
		s.Volumes = append(s.Volumes, vol)
	}
	for _, l := range []struct {
		flag string
		in   []string
		out  *[]runtime.IDMap
	}{{"--uid-map", o.uidMaps, &s.UIDMap}, {"--gid-map", o.gidMaps, &s.GIDMap}} {
		for _, v := range l.in {
			m, err := runtime.ParseIDMap(v)
			if err != nil {
				return s, fmt.Errorf("%s: %w", l.flag, err)
			}
			*l.out = append(*l.out, m)
		}
	}
	return s, nil
}

// printFlags lists the flags GNU-style (--name ARG), the way they are
// written everywhere else; the flag package accepts both forms.
func printFlags(fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		if _, short := shortFlags[f.Name]; short {
			return
		}
		arg, usage := flag.UnquoteUsage(f)
		name := "--" + f.Name
		for s, long := range shortFlags {
			if long == f.Name {
				name = "-" + s + ", " + name
			}
		}
		if arg != "" {
			name += " " + arg
		}
		fmt.Fprintf(fs.Output(), "  %-33s %s", name, usage)
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
			fmt.Fprintf(fs.Output(), " (default %q)", f.DefValue)
		}
		fmt.Fprintln(fs.Output())
	})
}

// parseCPUs turns "0.5" into a quota of 50000 µs per 100 ms period.
func parseCPUs(v string) (int64, error) {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || !(f > 0 && f <= 1024) {
		return 0, errors.New("want a number of CPUs greater than zero and at most 1024, e.g. 0.5")
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

// user is a parsed --user: each part a number or a name to look up in
// the rootfs.
type user struct {
	uid, gid    int
	name, group string
}

// parseUser reads USER[:GROUP], each a name or a decimal from 0 to
// runtime.MaxID: a larger number would wrap around to root (4294967296 is
// uid 0 in 32 bits). A numeric user without a group keeps its uid as gid;
// a named one gets its passwd group inside the container.
func parseUser(v string) (u user, err error) {
	us, g, hasGID := strings.Cut(v, ":")
	if u.uid, u.name, err = parseID(us); err != nil {
		return u, err
	}
	u.gid = u.uid
	if hasGID {
		if u.gid, u.group, err = parseID(g); err != nil {
			return u, err
		}
	}
	return u, nil
}

// parseID reads one part of --user: a number, or else a name.
func parseID(s string) (int, string, error) {
	if s != "" && (s[0] < '0' || s[0] > '9') {
		if !runtime.ValidName(s) {
			return 0, "", fmt.Errorf("%s is neither an id from 0 to %d nor a user or group name", show(s), runtime.MaxID)
		}
		return 0, s, nil
	}
	n, err := parseNumericID(s)
	return n, "", err
}

// termName is the TERM a --tty container gets when --env sets none: the
// caller's, or xterm.
func termName() string {
	if t := os.Getenv("TERM"); t != "" && !strings.ContainsAny(t, "\x00\n") {
		return t
	}
	return "xterm"
}

func parseNumericID(s string) (int, error) {
	bad := fmt.Errorf("want USER[:GROUP]: names, or ids from 0 to %d", runtime.MaxID)
	if s == "" || s[0] < '0' || s[0] > '9' {
		return 0, bad
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > runtime.MaxID {
		return 0, bad
	}
	return int(n), nil
}
