package vm

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Guest paths fixed by the protocol.
const (
	// SpecPath is where the host puts the run description in the initramfs.
	SpecPath = "/etc/lc/run.json"
	// ReportsDir is the guest directory whose files are sent back.
	ReportsDir = "/reports"
	// InitPath is where the initramfs holds cmd/vminit.
	InitPath = "/init"
	// ResultTTY is the serial port reserved for the result channel.
	ResultTTY = "/dev/ttyS1"
)

// CgroupMode is the cgroup layout /init mounts.
type CgroupMode string

const (
	// CgroupV2: cgroup2 on /sys/fs/cgroup, every controller enabled for children.
	CgroupV2 CgroupMode = "v2"
	// CgroupV1: tmpfs on /sys/fs/cgroup with one v1 hierarchy per controller.
	CgroupV1 CgroupMode = "v1"
	// CgroupHybrid: the v1 layout plus an empty cgroup2 at /sys/fs/cgroup/unified,
	// as systemd's hybrid mode and this project's development hosts have.
	CgroupHybrid CgroupMode = "hybrid"
)

// ParseCgroupMode accepts v2, v1 or hybrid.
func ParseCgroupMode(s string) (CgroupMode, error) {
	switch m := CgroupMode(s); m {
	case CgroupV2, CgroupV1, CgroupHybrid:
		return m, nil
	}
	return "", fmt.Errorf("vm: cgroup mode %q: want v2, v1 or hybrid", s)
}

// Spec is what /init runs, stored as JSON at SpecPath. A file rather than the
// kernel command line, because argv may hold spaces, quotes and newlines that
// the kernel's parameter parser cannot carry.
type Spec struct {
	Argv     []string `json:"argv"`
	Env      []string `json:"env,omitempty"`
	Dir      string   `json:"dir,omitempty"`
	Hostname string   `json:"hostname,omitempty"`
	// TimeoutMS bounds the command inside the guest; 0 means no limit.
	TimeoutMS int64 `json:"timeout_ms,omitempty"`
	// Modules are guest paths of kernel modules /init loads, in order,
	// before the command (see Kernel.ModuleFiles).
	Modules []string `json:"modules,omitempty"`
}

// Timeout is TimeoutMS as a duration.
func (s Spec) Timeout() time.Duration { return time.Duration(s.TimeoutMS) * time.Millisecond }

// MarshalSpec encodes s for SpecPath.
func MarshalSpec(s Spec) ([]byte, error) {
	if len(s.Argv) == 0 {
		return nil, fmt.Errorf("vm: spec has no command")
	}
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("vm: encode spec: %w", err)
	}
	return b, nil
}

// UnmarshalSpec decodes SpecPath's content.
func UnmarshalSpec(b []byte) (Spec, error) {
	var s Spec
	if err := json.Unmarshal(b, &s); err != nil {
		return s, fmt.Errorf("vm: decode spec: %w", err)
	}
	if len(s.Argv) == 0 {
		return s, fmt.Errorf("vm: spec has no command")
	}
	return s, nil
}

// Kernel command-line parameter names read by /init.
const (
	ParamCgroup = "lc.cgroup"
)

// Cmdline builds the kernel command line: serial console, no reboot loop on
// panic, our /init, the cgroup mode, then any extra parameters verbatim.
// quiet keeps kernel messages off the slow emulated serial port.
func Cmdline(mode CgroupMode, quiet bool, extra ...string) string {
	p := []string{"console=ttyS0", "panic=-1", "oops=panic", "rdinit=" + InitPath}
	if quiet {
		p = append(p, "quiet", "loglevel=1")
	}
	p = append(p, ParamCgroup+"="+string(mode))
	p = append(p, extra...)
	return strings.Join(p, " ")
}

// CmdlineParam returns the value of name=value in a kernel command line (as in
// /proc/cmdline); the last occurrence wins, as with the kernel's own parsing.
func CmdlineParam(cmdline, name string) (string, bool) {
	var (
		val   string
		found bool
	)
	for _, f := range strings.Fields(cmdline) {
		if k, v, ok := strings.Cut(f, "="); ok && k == name {
			val, found = strings.Trim(v, `"`), true
		}
	}
	return val, found
}
