// Command vmrun boots a kernel prepared by scripts/vm-kernel under qemu with
// our /init and runs one command in the guest with the cgroup layout asked for:
//
//	vmrun [--cgroup v2|v1|hybrid] [--kernel-dir dir] [--out dir] [--file host:guest ...] [--host-tool path ...] -- command args
//
// The kernel directory's modules (loop) are loaded before the command. The
// guest console is printed as it arrives; files the command writes under
// /reports are copied into --out. Exit status: 0 the command passed, 1 it
// failed or timed out, 2 the machinery failed (no kernel, qemu error, no
// verdict from the guest).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/little-container/little-container/vm"
)

const (
	exitPass  = 0
	exitFail  = 1
	exitInfra = 2
)

type fileFlags []vm.File

func (f *fileFlags) String() string { return fmt.Sprint(len(*f)) }

func (f *fileFlags) Set(s string) error {
	host, guest, ok := strings.Cut(s, ":")
	if !ok || host == "" || !strings.HasPrefix(guest, "/") {
		return fmt.Errorf("want host:/guest/path, got %q", s)
	}
	*f = append(*f, vm.File{Path: guest, Host: host})
	return nil
}

// toolFlags are host programs for vm.HostTool.
type toolFlags []string

func (f *toolFlags) String() string { return strings.Join(*f, ",") }

func (f *toolFlags) Set(s string) error {
	if !filepath.IsAbs(s) {
		return fmt.Errorf("want an absolute host path, got %q", s)
	}
	*f = append(*f, s)
	return nil
}

func main() {
	os.Exit(run())
}

func run() int {
	var (
		files   fileFlags
		tools   toolFlags
		cgroup  = flag.String("cgroup", "v2", "cgroup layout in the guest: v2, v1 or hybrid")
		kdir    = flag.String("kernel-dir", "", "kernel directory from scripts/vm-kernel (default build/vm/default)")
		kernel  = flag.String("kernel", "", "boot this kernel image instead, without the directory's modules")
		initBin = flag.String("init", "", "prebuilt static vminit (default: go build ./cmd/vminit)")
		out     = flag.String("out", "", "directory for the files the command leaves under /reports")
		timeout = flag.Duration("timeout", 60*time.Second, "limit for the whole boot")
		memory  = flag.Int("memory", 512, "guest memory in MiB")
		cpus    = flag.Int("smp", 2, "guest CPUs")
		busybox = flag.String("busybox", vm.HostBusybox, "static busybox to install as /bin/busybox with applet links (empty: none)")
		verbose = flag.Bool("verbose", false, "show kernel boot messages")
		accel   = flag.String("accel", "", "qemu accelerator: kvm or tcg (default $LC_VM_ACCEL, else tcg)")
	)
	flag.Var(&files, "file", "host:guest file to put in the initramfs (repeatable)")
	flag.Var(&tools, "host-tool", "host program to put at /bin/<name> with the libraries it needs (repeatable)")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: vmrun [flags] -- command [args...]\n\n"+
			"Boots build/vm/default (scripts/vm-kernel) under qemu with an initramfs whose /init is cmd/vminit,\n"+
			"runs the command with the chosen cgroup layout and prints the guest console.\n"+
			"Exit status: 0 pass, 1 fail or timeout, 2 infrastructure error.\n\nflags:\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	argv := flag.Args()
	if len(argv) == 0 {
		flag.Usage()
		return exitInfra
	}
	mode, err := vm.ParseCgroupMode(*cgroup)
	if err != nil {
		return fail(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	var modules []string
	if *kernel == "" {
		if *kdir == "" {
			if *kdir, err = vm.DefaultKernelDir(); err != nil {
				return fail(err)
			}
		}
		k, err := vm.LoadKernel(*kdir)
		if err != nil {
			return fail(err)
		}
		*kernel = k.Image
		var mf []vm.File
		mf, modules = k.ModuleFiles()
		files = append(files, mf...)
		fmt.Fprintf(os.Stderr, "vmrun: booting kernel %s (%s)\n", k.Release, k.Source)
	} else {
		fmt.Fprintf(os.Stderr, "vmrun: booting kernel image %s\n", *kernel)
	}
	for _, t := range tools {
		tf, err := vm.HostTool(ctx, t, "/bin/"+filepath.Base(t))
		if err != nil {
			return fail(err)
		}
		files = append(files, tf...)
	}
	tmp, err := os.MkdirTemp("", "vmrun-")
	if err != nil {
		return fail(fmt.Errorf("temp dir: %w", err))
	}
	defer os.RemoveAll(tmp)
	if *initBin == "" {
		*initBin = filepath.Join(tmp, "vminit")
		if err := vm.BuildInit(ctx, *initBin); err != nil {
			return fail(err)
		}
	}
	guestTimeout := *timeout - 10*time.Second
	if guestTimeout < *timeout/2 {
		guestTimeout = *timeout / 2
	}
	initrd := filepath.Join(tmp, "initramfs.cpio")
	if err := vm.Prepare(ctx, initrd, vm.PrepareOptions{
		Init:    *initBin,
		Busybox: *busybox,
		Files:   files,
		Spec:    vm.Spec{Argv: argv, TimeoutMS: guestTimeout.Milliseconds(), Modules: modules},
	}); err != nil {
		return fail(err)
	}
	res, err := vm.Run(ctx, vm.Config{
		Kernel:    *kernel,
		Initramfs: initrd,
		Cmdline:   vm.Cmdline(mode, !*verbose),
		MemoryMB:  *memory,
		CPUs:      *cpus,
		Timeout:   *timeout,
		Console:   os.Stdout,
		OutDir:    *out,
		Accel:     *accel,
	})
	if err != nil {
		return fail(err)
	}
	fmt.Fprintf(os.Stderr, "vmrun: %s (exit %d, %s) in %s with %s, %d report file(s)\n",
		res.Status, res.Code, res.Detail, res.Duration.Round(10*time.Millisecond), res.Accel, len(res.Files))
	if res.Passed {
		return exitPass
	}
	if res.Status == vm.StatusInitError {
		return exitInfra
	}
	return exitFail
}

func fail(err error) int {
	fmt.Fprintln(os.Stderr, "vmrun:", err)
	return exitInfra
}
