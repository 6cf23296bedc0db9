// Command seed re-creates, on purpose, the teaching runtime little-container
// grew from: the "containers from scratch" idea in one short file. It is
// deliberately weak, and the suites grade it as a target to show what each
// isolation check catches:
//
//   - only UTS, PID and mount namespaces are new; the network, IPC, user and
//     cgroup namespaces are the host's, so the container sees the host's
//     interfaces, loopback listeners and SysV IPC objects;
//   - the root is changed with chroot(2), not pivot_root(2): a process that
//     keeps CAP_SYS_CHROOT (it runs as real root with every capability)
//     chroots into a subdirectory and walks ".." back out to the host's /;
//   - no cgroup, so nothing bounds its processes or memory; no seccomp, no
//     dropped capabilities, no masked /proc paths, no user namespace.
//
// Do not use it for anything but grading the suites against it.
//
//	seed run [--rootfs DIR] [--hostname NAME] CMD [ARG...]
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"syscall"
)

// childArg is the hidden first argument of the re-exec'd child.
const childArg = "__seed_child"

func usage() {
	fmt.Fprintf(os.Stderr, `usage: seed run [--rootfs DIR] [--hostname NAME] CMD [ARG...]

Runs CMD in new UTS, PID and mount namespaces, chroot'ed into DIR, with /proc
mounted. A deliberately weak teaching runtime: host network, IPC and users are
shared, chroot can be climbed out of, and there are no limits.
`)
}

func main() {
	if len(os.Args) < 2 {
		usage()
		os.Exit(125)
	}
	var err error
	switch os.Args[1] {
	case "run":
		err = run(os.Args[2:])
	case childArg:
		err = child(os.Args[2:])
	case "-h", "--help", "help":
		usage()
		return
	default:
		usage()
		os.Exit(125)
	}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		os.Exit(exitStatus(ee))
	case err != nil:
		fmt.Fprintf(os.Stderr, "seed: %v\n", err)
		os.Exit(125)
	}
}

// flags parses the options shared by run and the child.
func flags(name string, args []string) (rootfs, hostname string, rest []string, err error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.StringVar(&rootfs, "rootfs", "/", "directory to chroot into")
	fs.StringVar(&hostname, "hostname", "container", "hostname inside")
	if err := fs.Parse(args); err != nil {
		return "", "", nil, err
	}
	if fs.NArg() == 0 {
		return "", "", nil, fmt.Errorf("%s: no command given", name)
	}
	return rootfs, hostname, fs.Args(), nil
}

// run re-executes this binary as the child, inside new UTS, PID and mount
// namespaces. The parent stays outside and waits, as the original did.
func run(args []string) error {
	rootfs, hostname, cmdArgs, err := flags("run", args)
	if err != nil {
		return err
	}
	cargs := append([]string{childArg, "--rootfs", rootfs, "--hostname", hostname}, cmdArgs...)
	cmd := exec.Command("/proc/self/exe", cargs...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{
		// The whole isolation of the seed: three namespaces. Go's runtime
		// makes the new mount namespace's mounts private when CLONE_NEWNS is
		// also in Unshareflags, so /proc below does not show up on the host.
		Cloneflags:   syscall.CLONE_NEWUTS | syscall.CLONE_NEWPID | syscall.CLONE_NEWNS,
		Unshareflags: syscall.CLONE_NEWNS,
	}
	return cmd.Run()
}

// child runs as pid 1 of the new PID namespace: hostname, chroot, /proc,
// then it becomes the command.
func child(args []string) error {
	rootfs, hostname, cmdArgs, err := flags("child", args)
	if err != nil {
		return err
	}
	if err := syscall.Sethostname([]byte(hostname)); err != nil {
		return fmt.Errorf("sethostname %q: %w", hostname, err)
	}
	// chroot only moves this process's idea of "/"; the old root stays
	// reachable for anyone who may call chroot again. pivot_root would have
	// taken it away.
	if err := syscall.Chroot(rootfs); err != nil {
		return fmt.Errorf("chroot %s: %w", rootfs, err)
	}
	if err := os.Chdir("/"); err != nil {
		return fmt.Errorf("chdir /: %w", err)
	}
	// proc mounted with no flags at all: no nosuid, nodev or noexec.
	if err := syscall.Mount("proc", "proc", "proc", 0, ""); err != nil {
		return fmt.Errorf("mount proc: %w", err)
	}
	path, err := exec.LookPath(cmdArgs[0])
	if err != nil {
		return fmt.Errorf("%s: %w", cmdArgs[0], err)
	}
	// The original ran the command as a child and unmounted /proc after it;
	// exec makes the command pid 1 instead, so its exit status is ours.
	if err := syscall.Exec(path, cmdArgs, os.Environ()); err != nil {
		return fmt.Errorf("exec %s: %w", path, err)
	}
	return nil
}

// exitStatus follows the shell convention: 128+N for death by signal N.
func exitStatus(ee *exec.ExitError) int {
	if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ee.ExitCode()
}
