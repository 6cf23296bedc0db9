// Package security is the "security" suite: the hardening of a container's
// root, proven by behaviour. Each row runs the caps or security probe under
// the runtime's defaults and judges one technique group; its negative
// control runs the same probe with the weakening that opens exactly that
// technique, and must FAIL by that technique alone:
//
//	capabilities        cap-eff/prm/inh/bnd ⊆ capability.Default, cap-amb empty   control: --cap-add ALL
//	no-new-privs        no_new_privs set; a setuid-root copy of the probe        control: --allow-new-privileges
//	                    run as 65534 does not gain euid 0
//	seccomp             each denied syscall answers the filter's errno           control: --seccomp unconfined
//	mounts              mount tmpfs, proc, cgroup                                control: --cap-add SYS_ADMIN --seccomp unconfined
//	masked-paths        /proc/timer_list, /proc/keys, /proc/sched_debug,         control: --unmask
//	                    /proc/kcore read nothing
//	readonly-paths      /proc/sys/kernel/core_pattern, /proc/sysrq-trigger       control: --unmask
//	                    do not open for writing (never written)
//	devices             mknod of the host root's block device, then read         control: --allow-devices --cap-add ALL
//	open-by-handle      open_by_handle_at of the host canary ("shocker")         control: --cap-add DAC_READ_SEARCH --seccomp unconfined
//	unshare-userns      unshare(CLONE_NEWUSER|CLONE_NEWNS)                      control: --seccomp unconfined
//	kernel-modules      finit_module past the capability check                   control: --cap-add SYS_MODULE --seccomp unconfined
//	host-keyring        a key planted in the host's user keyring                 control: --seccomp unconfined
//	kallsyms            kernel addresses in /proc/kallsyms                       control: --cap-add SYSLOG
//	host-process        kill(0) and pidfd_open of the host sentinel              control: --share pid
//	abstract-socket     connect to the host's abstract unix socket               control: --share net
//	setns-inherited-fd  setns through the host's mnt namespace descriptor        control: --preserve-fds 1 --cap-add SYS_ADMIN --seccomp unconfined
//	                    leaked into the runtime as fd 3
//	proc1-exe           the runtime binary is not PID 1 of the container         no control: no weakening keeps the runtime resident
//
// The cgroup attempts (own limit, parent's cgroup.procs, release_agent) are
// judged as extra evidence of the mounts check: the container has no
// cgroupfs, and mounting one is what the mounts row refuses. They have no
// control of their own. Likewise /dev/mem with the masked paths and runtime
// API sockets with the abstract socket.
//
// The judging here is pure: it reads a probe report and what the suite
// observed on the host (Host), and fills a matrix.Verdict. Every note says
// what was tried, the errno, and which defence stopped it.
package security

// Techniques are the rows, in matrix order.
const (
	Caps       = "capabilities"
	NoNewPrivs = "no-new-privs"
	Seccomp    = "seccomp"
	Mounts     = "mounts"
	Masked     = "masked-paths"
	Readonly   = "readonly-paths"
	Devices    = "devices"
	Handle     = "open-by-handle"
	Userns     = "unshare-userns"
	Modules    = "kernel-modules"
	Keyring    = "host-keyring"
	Kallsyms   = "kallsyms"
	HostProc   = "host-process"
	Abstract   = "abstract-socket"
	Setns      = "setns-inherited-fd"
	Proc1      = "proc1-exe"
)

// DeniedCalls are the security probe's syscall-<name> attempts whose
// syscall the default filter denies outright (runtime's deny list). The
// probe's syscall-unshare is not among them: its bad flag (0x1) carries no
// namespace flag, so the flag-filtered unshare rightly reaches the kernel.
// Nor is its syscall-ptrace: Docker's profile allows ptrace on kernels 4.8
// and later (their seccomp checks run after the tracer's), so a runtime that
// lets it through follows the reference; the attempt stays in the report.
var DeniedCalls = []string{
	"mount", "setns", "finit_module", "kexec_load", "open_by_handle_at",
	"bpf", "perf_event_open", "keyctl", "add_key",
}

// MaskedReads are the masked-paths attempts and the file each reads.
var MaskedReads = []struct{ Attempt, Path string }{
	{"read-timer-list", "/proc/timer_list"},
	{"read-proc-keys", "/proc/keys"},
	{"read-sched-debug", "/proc/sched_debug"},
	{"read-kcore", "/proc/kcore"},
}

// ReadonlyOpens are the read-only-paths attempts and the file each opens
// for writing (closed at once, never written).
var ReadonlyOpens = []struct{ Attempt, Path string }{
	{"open-core-pattern-w", "/proc/sys/kernel/core_pattern"},
	{"open-sysrq-trigger-w", "/proc/sysrq-trigger"},
}
