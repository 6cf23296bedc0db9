package target

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/onsi/ginkgo/v2"
)

// LittleContainer runs probes through our own CLI, `little-container run`.
type LittleContainer struct {
	Bin string // path to the built CLI
	// RootlessUID/GID is the host user rootless runs use when the suite runs
	// as root (default 65534, nobody).
	RootlessUID, RootlessGID uint32
}

// Name implements Target.
func (l *LittleContainer) Name() string { return "little-container" }

// Can implements Target: the CLI expresses every knob.
func (l *LittleContainer) Can(k Knob) (bool, string) {
	switch k {
	case KnobHostname, KnobChroot, KnobPidsMax, KnobMemory, KnobCPUs, KnobRootless, KnobUserNS, KnobInspect,
		KnobCapAdd, KnobSeccompOff, KnobNewPrivs, KnobUnmask, KnobAllowDevices,
		KnobInheritFD, KnobPreserveFDs, KnobWorkdir:
		return true, ""
	}
	if isShare(k) {
		return true, ""
	}
	return false, "unknown knob"
}

// Argv is the CLI command line for o (without the binary), pure so that it
// is unit-testable. pidFile may be empty.
func (l *LittleContainer) Argv(o RunOpts, pidFile string) []string {
	a := []string{"run", "--rootfs", o.Rootfs}
	if o.ID != "" {
		a = append(a, "--id", o.ID)
	}
	if o.Hostname != "" {
		a = append(a, "--hostname", o.Hostname)
	}
	if len(o.Share) > 0 {
		a = append(a, "--share", strings.Join(o.Share, ","))
	}
	if o.Chroot {
		a = append(a, "--chroot")
	}
	if o.PidsMax > 0 {
		a = append(a, "--pids-max", strconv.FormatInt(o.PidsMax, 10))
	}
	if o.Memory > 0 {
		a = append(a, "--memory", strconv.FormatInt(o.Memory, 10))
	}
	if o.CPUs > 0 {
		a = append(a, "--cpus", strconv.FormatFloat(o.CPUs, 'g', -1, 64))
	}
	if o.Rootless {
		a = append(a, "--rootless")
	}
	if o.UserNS {
		a = append(a, "--userns")
	}
	if o.PreserveFDs > 0 {
		a = append(a, "--preserve-fds", strconv.Itoa(o.PreserveFDs))
	}
	if o.Workdir != "" {
		a = append(a, "--workdir", o.Workdir)
	}
	for _, c := range o.CapAdd {
		a = append(a, "--cap-add", c)
	}
	if o.SeccompUnconfined {
		a = append(a, "--seccomp", "unconfined")
	}
	if o.AllowNewPrivileges {
		a = append(a, "--allow-new-privileges")
	}
	if o.Unmask {
		a = append(a, "--unmask")
	}
	if o.AllowDevices {
		a = append(a, "--allow-devices")
	}
	if pidFile != "" {
		a = append(a, "--pid-file", pidFile)
	}
	return append(a, o.Args...)
}

// Run implements Target.
func (l *LittleContainer) Run(ctx context.Context, o RunOpts) (*Result, error) {
	if l.Bin == "" {
		return nil, fmt.Errorf("%w: little-container CLI not built", ErrUnsupported)
	}
	if ok, why := Supports(l, o); !ok {
		return nil, fmt.Errorf("%w: %s", ErrUnsupported, why)
	}
	if o.ID == "" {
		o.ID = NewID()
	}
	c := command{Path: l.Bin}
	if o.Inspect != nil {
		dir, err := os.MkdirTemp("", "lc-pid-")
		if err != nil {
			return nil, fmt.Errorf("pid file dir: %w", err)
		}
		defer os.RemoveAll(dir)
		if err := os.Chmod(dir, 0o777); err != nil { // rootless runtime writes it
			return nil, fmt.Errorf("chmod %s: %w", dir, err)
		}
		c.PIDFile = filepath.Join(dir, "pid")
	}
	if o.Rootless && os.Geteuid() == 0 {
		uid, gid := l.RootlessUID, l.RootlessGID
		if uid == 0 {
			uid, gid = 65534, 65534
		}
		c.Cred = &syscall.Credential{Uid: uid, Gid: gid, Groups: []uint32{}}
	}
	c.Args = l.Argv(o, c.PIDFile)
	return execute(ctx, c, o)
}

// NewID returns a container id unique across parallel Ginkgo processes:
// "lc-p<process>-<random>".
func NewID() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b) // crypto/rand does not fail on Linux
	return fmt.Sprintf("lc-p%d-%s", ginkgo.GinkgoParallelProcess(), hex.EncodeToString(b))
}
