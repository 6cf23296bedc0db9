package vm

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// Config describes one boot.
type Config struct {
	Kernel    string // vmlinuz or vmlinux
	Initramfs string // from BuildInitramfs
	Cmdline   string // from Cmdline
	MemoryMB  int    // default 512
	CPUs      int    // default 2
	// Timeout bounds the whole boot, host side; default 60 s. The guest's own
	// limit (Spec.TimeoutMS) should be shorter so it can still report.
	Timeout time.Duration
	// Console receives the guest console (ttyS0) as it arrives; nil discards.
	Console io.Writer
	// OutDir receives the files the guest sent from /reports; empty keeps
	// them only in Result.Files.
	OutDir string
	// Qemu is the emulator binary; default qemu-system-x86_64 from PATH.
	Qemu string
	// BIOS is the firmware; empty means qboot when installed (it prints
	// nothing on the serial console, unlike SeaBIOS), else qemu's default.
	BIOS string
	// Accel is "kvm" or "tcg"; empty means $LC_VM_ACCEL, else tcg. KVM is
	// opt-in because a /dev/kvm that opens may still not run guests (nested
	// setups such as the development hosts: qemu aborts setting MSRs or the
	// guest hangs), and TCG boots this kernel in seconds anyway.
	Accel string
}

// Result is what one boot produced.
type Result struct {
	Passed   bool
	Status   Status            // the guest's verdict
	Code     int               // the command's exit code (-1 if none)
	Detail   string            // the guest's explanation of Status
	Files    map[string][]byte // files from /reports, by relative path
	Stdout   []byte            // the command's stdout
	Stderr   []byte            // the command's stderr
	QemuExit int               // qemu's exit status
	Accel    string            // the accelerator used
	Duration time.Duration     // from qemu start to exit
}

// ErrNoVerdict means the guest ended without a status line or a recognised
// isa-debug-exit code: a kernel panic, a crash of /init, a qemu failure.
var ErrNoVerdict = errors.New("vm: guest gave no verdict")

// Run boots the kernel, waits for the guest to finish and collects its
// results. A non-nil error is an infrastructure failure; a command that ran
// and failed is Result.Passed == false with a nil error.
func Run(ctx context.Context, cfg Config) (Result, error) {
	cfg = withDefaults(cfg)
	res := Result{Code: -1, Accel: cfg.Accel}
	tmp, err := os.MkdirTemp("", "lc-vm-")
	if err != nil {
		return res, fmt.Errorf("vm: temp dir: %w", err)
	}
	defer os.RemoveAll(tmp)
	resultPath := filepath.Join(tmp, "results")

	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, cfg.Qemu, QemuArgs(cfg, resultPath)...)
	console := &tailBuffer{max: consoleKeep}
	out := io.MultiWriter(cfg.Console, console)
	cmd.Stdin = nil
	cmd.Stdout = out
	cmd.Stderr = out
	cmd.WaitDelay = 5 * time.Second
	start := time.Now()
	runErr := cmd.Run()
	res.Duration = time.Since(start)

	var exitErr *exec.ExitError
	switch {
	case runErr == nil:
	case errors.As(runErr, &exitErr) && ctx.Err() == nil:
		res.QemuExit = exitErr.ExitCode()
	case ctx.Err() != nil:
		return res, fmt.Errorf("vm: boot did not finish within %s: %w", cfg.Timeout, ctx.Err())
	default:
		return res, fmt.Errorf("vm: run %s: %w", cfg.Qemu, runErr)
	}

	raw, err := os.ReadFile(resultPath)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return res, fmt.Errorf("vm: read result channel: %w", err)
	}
	t, perr := ParseTranscript(bytes.NewReader(raw))
	if !t.HasStatus {
		// The result channel was lost; /init also prints its status line on
		// the console, and writes files there when ttyS1 would not open.
		if ct, cerr := ParseTranscript(bytes.NewReader(console.Bytes())); ct.HasStatus {
			t, perr = ct, cerr
		}
	}
	res, err = verdict(res, t, perr)
	if errors.Is(err, ErrNoVerdict) {
		return res, fmt.Errorf("%w; console ends with:\n%s", err, lastLines(console.Bytes(), 10))
	}
	if err != nil {
		return res, err
	}
	if cfg.OutDir != "" {
		if err := writeReports(cfg.OutDir, res.Files); err != nil {
			return res, err
		}
	}
	return res, nil
}

func withDefaults(cfg Config) Config {
	if cfg.MemoryMB == 0 {
		cfg.MemoryMB = 512
	}
	if cfg.CPUs == 0 {
		cfg.CPUs = 2
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 60 * time.Second
	}
	if cfg.Console == nil {
		cfg.Console = io.Discard
	}
	if cfg.Qemu == "" {
		cfg.Qemu = "qemu-system-x86_64"
	}
	if cfg.BIOS == "" {
		if _, err := os.Stat(qboot); err == nil {
			cfg.BIOS = qboot
		}
	}
	if cfg.Accel == "" {
		cfg.Accel = os.Getenv(AccelEnv)
	}
	if cfg.Accel == "" {
		cfg.Accel = "tcg"
	}
	return cfg
}

// qboot is where Debian's qemu-system-data installs the minimal firmware.
const qboot = "/usr/share/qemu/qboot.rom"

// AccelEnv names the environment variable that picks the default accelerator.
const AccelEnv = "LC_VM_ACCEL"

// KVMOpens reports whether /dev/kvm can be opened read-write. It does not
// prove KVM can run a guest; see Config.Accel.
func KVMOpens() bool {
	fd, err := unix.Open("/dev/kvm", unix.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		return false
	}
	_ = unix.Close(fd)
	return true
}

// QemuArgs is the qemu command line for cfg, writing the result channel to
// resultPath. With kvm, tcg is listed as a fallback: qemu takes the first
// accelerator that initialises.
//
// TCG runs single-threaded (thread=single: the vCPUs take turns on one host
// thread). With one host thread per vCPU, qemu 7.2 does not keep code that
// one vCPU patches coherent for another, and the kernel patches itself
// while running (text_poke_bp's int3 for static keys): Debian's 6.12
// panicked with "Oops: int3" in 2 of 8 boots that way, 0 of 12 with one
// thread, at the same boot time (3.3 s).
func QemuArgs(cfg Config, resultPath string) []string {
	args := []string{
		"-nodefaults", "-no-user-config", "-nographic", "-no-reboot",
		"-machine", "pc",
	}
	if cfg.Accel == "kvm" {
		args = append(args, "-accel", "kvm", "-accel", "tcg")
	} else {
		args = append(args, "-accel", "tcg,thread=single")
	}
	if cfg.BIOS != "" {
		args = append(args, "-bios", cfg.BIOS)
	}
	args = append(args,
		"-m", strconv.Itoa(cfg.MemoryMB),
		"-smp", strconv.Itoa(cfg.CPUs),
		"-kernel", cfg.Kernel,
		"-initrd", cfg.Initramfs,
		"-append", cfg.Cmdline,
		"-chardev", "stdio,id=console,signal=off",
		"-serial", "chardev:console",
		"-chardev", "file,id=results,path="+resultPath,
		"-serial", "chardev:results",
		"-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
	)
	return args
}

// verdict combines the status line and qemu's exit status. The status line
// wins when both exist (it carries the exit code); a disagreement between the
// two is reported, as is the absence of both.
func verdict(res Result, t Transcript, parseErr error) (Result, error) {
	res.Files = map[string][]byte{}
	for name, data := range t.Files {
		switch name {
		case StdoutName:
			res.Stdout = data
		case StderrName:
			res.Stderr = data
		default:
			res.Files[name] = data
		}
	}
	exitStatus, exitOK := StatusFromQemuExit(res.QemuExit)
	switch {
	case t.HasStatus:
		res.Status, res.Code, res.Detail = t.Status, t.Code, t.Detail
		if exitOK && exitStatus != t.Status {
			return res, fmt.Errorf("vm: status line says %s, qemu exit %d says %s", t.Status, res.QemuExit, exitStatus)
		}
	case exitOK:
		res.Status = exitStatus
		res.Detail = "from qemu exit status; no status line"
	default:
		return res, fmt.Errorf("%w (qemu exit %d)", ErrNoVerdict, res.QemuExit)
	}
	if parseErr != nil {
		return res, fmt.Errorf("vm: result channel: %w", parseErr)
	}
	res.Passed = res.Status == StatusPass
	return res, nil
}

// writeReports writes files under dir, refusing names that would escape it.
func writeReports(dir string, files map[string][]byte) error {
	for name, data := range files {
		if !filepath.IsLocal(name) {
			return fmt.Errorf("vm: report name %q escapes %s", name, dir)
		}
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("vm: report dir for %s: %w", name, err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return fmt.Errorf("vm: write report %s: %w", p, err)
		}
	}
	return nil
}

// consoleKeep bounds how much console output Run keeps for the fallback parse.
const consoleKeep = 8 << 20

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	max int
	buf []byte
}

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.buf = append(b.buf, p...)
	if over := len(b.buf) - b.max; over > 0 {
		b.buf = append(b.buf[:0], b.buf[over:]...)
	}
	return len(p), nil
}

// Bytes returns the kept output.
func (b *tailBuffer) Bytes() []byte { return b.buf }

// lastLines returns up to n final lines of b, for error messages.
func lastLines(b []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
