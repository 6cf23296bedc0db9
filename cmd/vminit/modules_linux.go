package main

import (
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// loadModules loads the spec's kernel modules in order with finit_module.
// A module that will not load is logged, not fatal: only the rows that need
// it (loop: the devices row) lose their evidence, and they skip saying why.
func loadModules(paths []string) {
	for _, p := range paths {
		if err := loadModule(p); err != nil {
			logf("module %s not loaded: %v; rows that need it will skip", filepath.Base(p), err)
			continue
		}
		logf("module %s loaded", filepath.Base(p))
	}
}

func loadModule(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := unix.FinitModule(int(f.Fd()), "", 0); err != nil && err != unix.EEXIST {
		return fmt.Errorf("finit_module: %w", err)
	}
	return nil
}

// kernelRelease is uname -r and -v, for the log line that names the kernel
// the guest booted.
func kernelRelease() string {
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		return "unknown (" + err.Error() + ")"
	}
	return unix.ByteSliceToString(u.Release[:]) + " " + unix.ByteSliceToString(u.Version[:])
}
