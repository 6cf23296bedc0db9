package probes

// Security probe, seccomp versus kernel: attempts "syscall-<name>" call a
// syscall with arguments the kernel must refuse (bad pointers, bad
// descriptors, impossible counts), so nothing is ever done, and read who
// refused from the errno:
//
//	the filter's errno (-seccomp-errno, default EPERM, what runc, crun
//	and Docker's profile return)  → Detail "seccomp: …", outcome failed
//	any other errno               → Detail "kernel: …", outcome succeeded
//	                                (the syscall got past the filter)
//	EPERM where the kernel checks a capability before the bad argument
//	(capFirst)                    → Detail "ambiguous: …", outcome failed;
//	                                the suite compares with its
//	                                --seccomp=unconfined control run.
//
// seccomp-filters records the Seccomp field of /proc/self/status (Value
// "0": no filter installed, "2": filtered) so the unconfined control can
// tell the kernel's own EPERM from a filter's.
//
// Errno and Value are the errno name. Names and calls (amd64 numbers come
// from x/sys/unix for the build architecture):
//
//	syscall-mount              mount(NULL, NULL, type=0x1, 0, NULL) → EFAULT
//	syscall-unshare            unshare(0x1 invalid flag)            → EINVAL
//	syscall-setns              setns(-1, 0)                         → EBADF
//	syscall-finit_module       finit_module(-1, NULL, 0)  capFirst  → EBADF
//	syscall-kexec_load         kexec_load(0, 17 > KEXEC_SEGMENT_MAX, NULL,
//	                           invalid arch)              capFirst  → EINVAL
//	                           (unsupported when kexec_load_limit_reboot is
//	                           set: a permitted call would use up one load)
//	syscall-open_by_handle_at  open_by_handle_at(-1, NULL, O_RDONLY)
//	                                                      capFirst  → EBADF
//	                           (EPERM before 6.10 without CAP_DAC_READ_SEARCH)
//	syscall-bpf                bpf(BPF_MAP_CREATE, NULL, 8)         → EFAULT
//	                           (before 6.5 unprivileged_bpf_disabled answered
//	                           EPERM first)
//	syscall-perf_event_open    perf_event_open(NULL, 0, -1, -1, 0)  → EFAULT
//	syscall-keyctl             keyctl(0xffff invalid command)       → ENOTSUP
//	syscall-add_key            add_key(type=0x1, …)                 → EFAULT
//	syscall-ptrace             ptrace(PTRACE_PEEKUSR, pid 0x7fffffff) → ESRCH
//
// ENOSYS means the syscall is not built in, or a filter answering ENOSYS
// (then pass -seccomp-errno ENOSYS).

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// secBadPtr is an address that is never mapped (below mmap_min_addr).
const secBadPtr = 1

// secBadCall is one syscall made with arguments the kernel refuses.
type secBadCall struct {
	name     string
	capFirst bool
	// capFirstBefore: on kernels older than this (major, minor) the call
	// checks the capability before its arguments (bpf before 6.5, with
	// unprivileged bpf disabled), so EPERM is ambiguous there too.
	capFirstBefore [2]int
	args           string
	call           func() (r1 uintptr, errno unix.Errno)
	closesFD       bool // on an impossible success r1 is a descriptor to close
}

func sys6(nr uintptr, a ...uintptr) func() (uintptr, unix.Errno) {
	var v [6]uintptr
	copy(v[:], a)
	return func() (uintptr, unix.Errno) {
		r1, _, e := unix.Syscall6(nr, v[0], v[1], v[2], v[3], v[4], v[5])
		return r1, e
	}
}

const minus1 = ^uintptr(0)

var secBadCalls = []secBadCall{
	{name: "mount", args: "mount(NULL, NULL, 0x1, 0, NULL)", call: sys6(unix.SYS_MOUNT, 0, 0, secBadPtr, 0, 0)},
	{name: "unshare", args: "unshare(0x1)", call: sys6(unix.SYS_UNSHARE, 0x1)},
	{name: "setns", args: "setns(-1, 0)", call: sys6(unix.SYS_SETNS, minus1, 0)},
	{name: "finit_module", capFirst: true, args: "finit_module(-1, NULL, 0)", call: sys6(unix.SYS_FINIT_MODULE, minus1, 0, 0)},
	{name: "kexec_load", capFirst: true, args: "kexec_load(0, 17, NULL, 0xfffe0000)", call: sys6(unix.SYS_KEXEC_LOAD, 0, 17, 0, 0xfffe0000)},
	{name: "open_by_handle_at", capFirst: true, args: "open_by_handle_at(-1, NULL, O_RDONLY)", call: sys6(unix.SYS_OPEN_BY_HANDLE_AT, minus1, 0, unix.O_RDONLY), closesFD: true},
	{name: "bpf", capFirstBefore: [2]int{6, 5}, args: "bpf(BPF_MAP_CREATE, NULL, 8)", call: sys6(unix.SYS_BPF, unix.BPF_MAP_CREATE, 0, 8), closesFD: true},
	{name: "perf_event_open", args: "perf_event_open(NULL, 0, -1, -1, 0)", call: sys6(unix.SYS_PERF_EVENT_OPEN, 0, 0, minus1, minus1, 0), closesFD: true},
	{name: "keyctl", args: "keyctl(0xffff, 0, 0, 0, 0)", call: sys6(unix.SYS_KEYCTL, 0xffff)},
	{name: "add_key", args: "add_key(0x1, NULL, NULL, 0, 0)", call: sys6(unix.SYS_ADD_KEY, secBadPtr, 0, 0, 0, 0)},
	{name: "ptrace", args: "ptrace(PTRACE_PEEKUSR, 0x7fffffff, 0, 0)", call: sys6(unix.SYS_PTRACE, unix.PTRACE_PEEKUSR, 0x7fffffff, 0, 0)},
}

func secSyscalls(r *Report, filter unix.Errno) {
	// Whether any filter is installed at all, as the kernel says: a call
	// still answering the filter's errno where there is none is the
	// kernel's own refusal (the suite's unconfined control needs it).
	if b, err := os.ReadFile("/proc/self/status"); err != nil {
		r.Record("seccomp-filters", err, "read /proc/self/status")
	} else if mode, ok := ParseStatus(string(b))["Seccomp"]; ok {
		RecordValue(r, "seccomp-filters", nil, mode, "Seccomp: "+mode+" (0: no filter, 2: filtered)")
	} else {
		r.NotImplemented("seccomp-filters", "/proc/self/status has no Seccomp line")
	}
	for _, c := range secBadCalls {
		name := "syscall-" + c.name
		if c.name == "kexec_load" {
			if lim, err := ReadTrimmed("/proc/sys/kernel/kexec_load_limit_reboot"); err == nil && lim != "-1" {
				r.Unsupported(name, "kexec_load_limit_reboot is "+lim+": a permitted call would use up one load")
				continue
			}
		}
		r.Attempts = append(r.Attempts, secSyscallAttempt(name, c, filter))
	}
}

// secSyscallAttempt makes one bad call and classifies its errno.
func secSyscallAttempt(name string, c secBadCall, filter unix.Errno) Attempt {
	r1, errno := c.call()
	a := Attempt{Name: name}
	if errno == 0 {
		if c.closesFD && int(r1) >= 0 {
			unix.Close(int(r1))
		}
		a.Outcome = Succeeded
		a.Detail = fmt.Sprintf("%s: %s returned %d although its arguments are invalid", VerdictKernel, c.args, int(r1))
		return a
	}
	a.Errno, a.Value = unix.ErrnoName(errno), unix.ErrnoName(errno)
	capFirst := c.capFirst || (c.capFirstBefore != [2]int{} && kernelBefore(c.capFirstBefore))
	v := classifySyscall(errno, filter, capFirst)
	switch v {
	case VerdictKernel:
		a.Outcome = Succeeded
		a.Detail = fmt.Sprintf("%s: %s reached the kernel, which answered %s", v, c.args, a.Errno)
	case VerdictSeccomp:
		a.Outcome = Failed
		a.Detail = fmt.Sprintf("%s: %s answered %s, the filter's errno", v, c.args, a.Errno)
	default:
		a.Outcome = Failed
		a.Detail = fmt.Sprintf("%s: %s answered %s, which is also the kernel's capability check; compare with the unconfined control", v, c.args, a.Errno)
	}
	return a
}

// kernelBefore reports whether the running kernel is older than v; a
// release it cannot parse counts as not older.
func kernelBefore(v [2]int) bool {
	var u unix.Utsname
	if unix.Uname(&u) != nil {
		return false
	}
	major, minor, ok := parseRelease(unix.ByteSliceToString(u.Release[:]))
	return ok && (major < v[0] || major == v[0] && minor < v[1])
}
