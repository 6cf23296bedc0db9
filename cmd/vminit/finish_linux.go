package main

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"

	"github.com/little-container/little-container/runtime/term"
	"github.com/little-container/little-container/vm"
)

// finish sends the results and ends the machine. It never returns: pid 1
// exiting would panic the kernel.
func finish(st vm.Status, code int, detail string) {
	logf("status %s code %d: %s", st, code, detail)
	out, err := openResultChannel()
	if err != nil {
		logf("result channel unavailable, using the console: %v", err)
		out = os.Stdout
	}
	if err := sendResults(out, st, code, detail); err != nil {
		logf("send results: %v", err)
	}
	// The status line also goes to the console, where the host looks if the
	// result channel is lost.
	_ = vm.WriteStatus(os.Stdout, st, code, detail)
	if out != os.Stdout {
		drain(out)
	}
	drain(os.Stdout)
	unix.Sync()
	if err := debugExit(st); err != nil {
		logf("isa-debug-exit: %v; powering off", err)
	}
	if err := unix.Reboot(unix.LINUX_REBOOT_CMD_POWER_OFF); err != nil {
		logf("power off: %v", err)
	}
	for {
		time.Sleep(time.Hour)
	}
}

func sendResults(w io.Writer, st vm.Status, code int, detail string) error {
	if err := vm.WriteFile(w, vm.StdoutName, stdoutBuf.Bytes()); err != nil {
		return err
	}
	if err := vm.WriteFile(w, vm.StderrName, stderrBuf.Bytes()); err != nil {
		return err
	}
	err := filepath.WalkDir(vm.ReportsDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) && p == vm.ReportsDir {
				return filepath.SkipDir
			}
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return fmt.Errorf("read %s: %w", p, err)
		}
		rel, err := filepath.Rel(vm.ReportsDir, p)
		if err != nil {
			return err
		}
		return vm.WriteFile(w, rel, data)
	})
	if err != nil {
		// Still send a verdict, but not a pass: a report went missing.
		detail = fmt.Sprintf("%s; sending %s failed: %v", detail, vm.ReportsDir, err)
		if st == vm.StatusPass {
			st, code = vm.StatusInitError, -1
		}
	}
	return vm.WriteStatus(w, st, code, detail)
}

// openResultChannel opens the second serial port in raw mode, mounting
// devtmpfs first when /init failed before doing so.
func openResultChannel() (*os.File, error) {
	if _, err := os.Stat(vm.ResultTTY); os.IsNotExist(err) {
		_ = os.MkdirAll("/dev", 0o755)
		_ = unix.Mount("devtmpfs", "/dev", "devtmpfs", unix.MS_NOSUID, "mode=0755")
	}
	f, err := os.OpenFile(vm.ResultTTY, os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", vm.ResultTTY, err)
	}
	t, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("get termios %s: %w", vm.ResultTTY, err)
	}
	term.MakeRaw(t)
	if err := unix.IoctlSetTermios(int(f.Fd()), unix.TCSETS, t); err != nil {
		f.Close()
		return nil, fmt.Errorf("set termios %s: %w", vm.ResultTTY, err)
	}
	return f, nil
}

// drain waits until a tty has transmitted everything written to it
// (tcdrain), so qemu has the bytes before the machine stops.
func drain(f *os.File) {
	_ = unix.IoctlSetInt(int(f.Fd()), unix.TCSBRK, 1)
}

// debugExit writes the status to the isa-debug-exit port through /dev/port.
func debugExit(st vm.Status) error {
	v, ok := vm.DebugExitValue(st)
	if !ok {
		return fmt.Errorf("no exit value for %s", st)
	}
	f, err := os.OpenFile("/dev/port", os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("open /dev/port: %w", err)
	}
	defer f.Close()
	if _, err := f.WriteAt([]byte{v}, 0xf4); err != nil {
		return fmt.Errorf("write port 0xf4: %w", err)
	}
	return nil
}
