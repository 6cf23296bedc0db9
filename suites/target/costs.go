package target

import (
	"fmt"
	"strings"
)

// knobCosts says which rows of the matrix need a knob, so that a profile
// or template that lacks it is told what that costs before anything runs.
var knobCosts = map[Knob]string{
	KnobHostname:     "every namespace row and its control (pid, mnt, uts, ipc, net, cgroup, user ns: the ns probe always runs with a hostname)",
	KnobPidsMax:      "cgroup: pids",
	KnobMemory:       "cgroup: memory (hog child and inline hog)",
	KnobCPUs:         "cgroup: cpu",
	KnobUserNS:       "user ns (--userns)",
	KnobRootless:     "user ns (--rootless)",
	KnobChroot:       "the controls of escape: chroot-climb and mnt ns",
	KnobCapAdd:       "mnt ns and its control, and the controls of proc-root, capabilities, mounts, devices, open-by-handle, kernel-modules, kallsyms, setns-inherited-fd",
	KnobSeccompOff:   "mnt ns and its control, and the controls of seccomp, mounts, open-by-handle, unshare-userns, kernel-modules, host-keyring, setns-inherited-fd",
	KnobNewPrivs:     "the control of no-new-privs",
	KnobUnmask:       "the controls of masked-paths and readonly-paths",
	KnobAllowDevices: "the control of devices",
	KnobPreserveFDs:  "the controls of escape: fd-leak and cwd-outside, and of setns-inherited-fd",
	KnobWorkdir:      "the control of escape: cwd-outside",
}

// Costs lists, one line per knob, what the profile's missing knobs cost:
// the rows that will skip for want of them.
func (p *Profile) Costs() []string {
	var out []string
	for _, k := range AllKnobs() {
		rows, ok := knobCosts[k]
		if isShare(k) {
			rows, ok = "the control of "+strings.TrimPrefix(string(k), knobSharePrefix)+" ns (and of host-process/proc-root for pid, abstract-socket for net)", true
		}
		if !ok {
			continue
		}
		if can, why := p.Can(k); !can {
			out = append(out, fmt.Sprintf("%s: without %s (%s) these skip: %s", p.Name(), placeholderFor(k), why, rows))
		}
	}
	return out
}
