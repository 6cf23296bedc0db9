package target

import (
	"fmt"
	"slices"
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

// checkKnobs are the knobs checks (not controls) need: each one missing
// gets a line of its own.
var checkKnobs = []Knob{KnobHostname, KnobPidsMax, KnobMemory, KnobCPUs, KnobUserNS, KnobRootless}

// Costs says what the profile's missing knobs cost before anything runs:
// one line per knob a check needs, naming the rows that will skip, and
// one line for the weakenings the controls use.
func (p *Profile) Costs() []string {
	var out, weak []string
	for _, k := range AllKnobs() {
		if can, _ := p.Can(k); can {
			continue
		}
		if slices.Contains(checkKnobs, k) {
			out = append(out, fmt.Sprintf("%s: no %s: these rows skip: %s", p.Name(), placeholderFor(k), knobCosts[k]))
			continue
		}
		if _, ok := knobCosts[k]; ok || isShare(k) {
			weak = append(weak, string(k))
		}
	}
	if len(weak) > 0 {
		out = append(out, fmt.Sprintf("%s: the controls that need %s skip (a profile file can express them: docs/lab.md)", p.Name(), strings.Join(weak, ", ")))
	}
	return out
}
