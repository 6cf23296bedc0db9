package probes

// Probe "syscalls": every system call of a list (the suite's, written from
// Docker's default seccomp profile) made once with arguments the kernel
// must refuse — bad pointers, bad descriptors, impossible flags — so that
// nothing is ever done, and its errno recorded for the suite to read:
// the filter's errno means the call was stopped before the kernel, any
// other answer (or success) that it got past the filter.
//
//	-names N,...   the calls to make, by name
//
// Attempts "sys:<name>": Value the errno name ("OK" when the call
// returned success, its result closed when it is a descriptor), Detail the
// call as made, ending in "[cap-first]" when the kernel checks a capability
// before the bad argument (then EPERM is also the kernel's own answer, and
// only a run without the filter tells them apart). A name this probe has
// no harmless form of on this architecture, or whose harmless form would
// change something here (vhangup while holding CAP_SYS_TTY_CONFIG hangs up
// the terminal; kexec with a load limit set uses up a load), is
// unsupported with the reason.

import (
	"fmt"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

func init() {
	Register("syscalls", "system calls of a deny list, each with harmless arguments: errno per call", 20*time.Second, runSyscalls)
}

// CapFirstMark ends the Detail of a call whose EPERM is ambiguous.
const CapFirstMark = "[cap-first]"

func runSyscalls(env *Env) error {
	fs := NewFlags("syscalls")
	names := fs.String("names", "", "system calls to make")
	if err := fs.Parse(env.Args); err != nil {
		return fmt.Errorf("syscalls: %w", err)
	}
	table := map[string]secBadCall{}
	for _, c := range harmlessCalls {
		table[c.name] = c
	}
	r := env.Report
	for _, n := range SplitList(*names) {
		name := "sys:" + n
		c, ok := table[n]
		if !ok {
			r.Unsupported(name, "no harmless form of "+n+" on this architecture")
			continue
		}
		if why := syscallSkip(n); why != "" {
			r.Unsupported(name, why)
			continue
		}
		r.Attempts = append(r.Attempts, harmlessAttempt(name, c))
	}
	return nil
}

// syscallSkip says why a call must not be made here, or "".
func syscallSkip(name string) string {
	switch name {
	case "vhangup":
		if holdsCap(unix.CAP_SYS_TTY_CONFIG) {
			return "CAP_SYS_TTY_CONFIG is held: vhangup would hang up the terminal"
		}
	case "kexec_load", "kexec_file_load":
		for _, f := range []string{"kexec_load_limit_reboot", "kexec_load_limit_panic"} {
			if lim, err := ReadTrimmed("/proc/sys/kernel/" + f); err == nil && lim != "-1" {
				return f + " is " + lim + ": a permitted call would use up one load"
			}
		}
	}
	return ""
}

// holdsCap says whether the effective set holds c; unreadable counts as held.
func holdsCap(c int) bool {
	b, err := ReadFileRaw("/proc/self/status")
	if err != nil {
		return true
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "CapEff:"); ok {
			var m uint64
			if _, err := fmt.Sscanf(strings.TrimSpace(v), "%x", &m); err != nil {
				return true
			}
			return m&(1<<uint(c)) != 0
		}
	}
	return true
}

// harmlessAttempt makes one call and records its raw errno.
func harmlessAttempt(name string, c secBadCall) Attempt {
	r1, errno := c.call()
	a := Attempt{Name: name, Outcome: Failed, Detail: c.args}
	capFirst := c.capFirst || (c.capFirstBefore != [2]int{} && kernelBefore(c.capFirstBefore))
	if capFirst {
		a.Detail += " " + CapFirstMark
	}
	if errno == 0 {
		if c.closesFD && int(r1) >= 0 {
			unix.Close(int(r1))
		}
		a.Outcome, a.Value = Succeeded, "OK"
		a.Detail += fmt.Sprintf(": returned %d", int(r1))
		return a
	}
	a.Errno, a.Value = unix.ErrnoName(errno), unix.ErrnoName(errno)
	return a
}

// personalityCall sets ADDR_NO_RANDOMIZE on top of the current persona
// (a value Docker's rule does not allow) and puts the old one back.
func personalityCall() (uintptr, unix.Errno) {
	const query, noRandomize = 0xffffffff, 0x0040000
	old, _, _ := unix.RawSyscall(unix.SYS_PERSONALITY, query, 0, 0)
	r1, _, e := unix.RawSyscall(unix.SYS_PERSONALITY, old|noRandomize, 0, 0)
	if e == 0 {
		unix.RawSyscall(unix.SYS_PERSONALITY, old, 0, 0)
	}
	return r1, e
}

// HarmlessCalls names the calls this probe has a harmless form of here.
func HarmlessCalls() []string {
	out := make([]string, len(harmlessCalls))
	for i, c := range harmlessCalls {
		out[i] = c.name
	}
	return out
}
