// Command vminit is the /init of the qemu guests that package vm boots. It
// prepares a small Linux userland (proc, sys, dev, tmp, loopback, hostname),
// mounts cgroups in the layout the kernel command line asks for
// (lc.cgroup=v2|v1|hybrid), runs the command from /etc/lc/run.json with a
// time limit, sends back everything under /reports plus the command's output
// over the second serial port, and ends qemu through isa-debug-exit.
//
// It must be built static (CGO_ENABLED=0): the initramfs holds no libc.
package main

import (
	"fmt"
	"os"

	"github.com/little-container/little-container/vm"
)

// stageEnv marks the re-exec of /init after it moved the initramfs onto a
// tmpfs root (see switchroot_linux.go).
const stageEnv = "LC_VMINIT_STAGE"

func main() {
	if os.Getpid() != 1 {
		fmt.Fprintln(os.Stderr, "vminit: must run as pid 1 inside the guest")
		os.Exit(2)
	}
	if os.Getenv(stageEnv) == "" {
		if err := switchRoot(); err != nil {
			finish(vm.StatusInitError, -1, fmt.Sprintf("switch root: %v", err))
		}
		// switchRoot only returns on error; exec replaced us otherwise.
	}
	st, code, detail := run()
	finish(st, code, detail)
}

// run does everything after the root switch and returns the verdict.
func run() (vm.Status, int, string) {
	if err := mountBase(); err != nil {
		return vm.StatusInitError, -1, err.Error()
	}
	logf("kernel %s", kernelRelease())
	spec, err := readSpec()
	if err != nil {
		return vm.StatusInitError, -1, err.Error()
	}
	loadModules(spec.Modules)
	if err := setupNetwork(spec.Hostname); err != nil {
		return vm.StatusInitError, -1, err.Error()
	}
	mode, err := cgroupMode()
	if err != nil {
		return vm.StatusInitError, -1, err.Error()
	}
	if err := mountCgroups(mode); err != nil {
		return vm.StatusInitError, -1, err.Error()
	}
	if err := os.MkdirAll(vm.ReportsDir, 0o777); err != nil {
		return vm.StatusInitError, -1, fmt.Sprintf("create %s: %v", vm.ReportsDir, err)
	}
	return runCommand(spec)
}

func readSpec() (vm.Spec, error) {
	b, err := os.ReadFile(vm.SpecPath)
	if err != nil {
		return vm.Spec{}, fmt.Errorf("read run spec: %w", err)
	}
	return vm.UnmarshalSpec(b)
}

// logf writes a progress line to the console.
func logf(format string, args ...any) {
	fmt.Fprintf(os.Stdout, "vminit: "+format+"\n", args...)
}
