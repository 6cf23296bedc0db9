package runtime

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// SeccompErrno is what a call the default filter denies fails with. The
// escape probes tell a filter denial from a capability denial by calling
// with bad pointers: an allowed call then fails with EFAULT or EBADF.
const SeccompErrno = unix.EPERM

// Syscall names a system call for the filter and for OCI bundles, which
// name calls rather than number them.
type Syscall struct {
	Name string
	Nr   uintptr
}

// DeniedSyscalls are refused outright by the default filter.
var DeniedSyscalls = []Syscall{
	{"keyctl", unix.SYS_KEYCTL}, {"add_key", unix.SYS_ADD_KEY}, {"request_key", unix.SYS_REQUEST_KEY},
	{"kexec_load", unix.SYS_KEXEC_LOAD}, {"kexec_file_load", unix.SYS_KEXEC_FILE_LOAD},
	{"init_module", unix.SYS_INIT_MODULE}, {"finit_module", unix.SYS_FINIT_MODULE}, {"delete_module", unix.SYS_DELETE_MODULE},
	{"open_by_handle_at", unix.SYS_OPEN_BY_HANDLE_AT}, {"bpf", unix.SYS_BPF}, {"perf_event_open", unix.SYS_PERF_EVENT_OPEN},
	{"mount", unix.SYS_MOUNT}, {"umount2", unix.SYS_UMOUNT2}, {"pivot_root", unix.SYS_PIVOT_ROOT}, {"mount_setattr", unix.SYS_MOUNT_SETATTR},
	{"fsopen", unix.SYS_FSOPEN}, {"fsconfig", unix.SYS_FSCONFIG}, {"fsmount", unix.SYS_FSMOUNT}, {"fspick", unix.SYS_FSPICK},
	{"move_mount", unix.SYS_MOVE_MOUNT}, {"open_tree", unix.SYS_OPEN_TREE},
	{"setns", unix.SYS_SETNS}, {"swapon", unix.SYS_SWAPON}, {"swapoff", unix.SYS_SWAPOFF}, {"reboot", unix.SYS_REBOOT},
	{"acct", unix.SYS_ACCT}, {"settimeofday", unix.SYS_SETTIMEOFDAY}, {"clock_settime", unix.SYS_CLOCK_SETTIME},
	{"clock_adjtime", unix.SYS_CLOCK_ADJTIME}, {"syslog", unix.SYS_SYSLOG}, {"userfaultfd", unix.SYS_USERFAULTFD},
	{"lookup_dcookie", unix.SYS_LOOKUP_DCOOKIE}, {"quotactl", unix.SYS_QUOTACTL}, {"nfsservctl", unix.SYS_NFSSERVCTL},
	{"uselib", unix.SYS_USELIB}, {"personality", unix.SYS_PERSONALITY},
	{"process_vm_readv", unix.SYS_PROCESS_VM_READV}, {"process_vm_writev", unix.SYS_PROCESS_VM_WRITEV},
	{"ptrace", unix.SYS_PTRACE}, {"iopl", unix.SYS_IOPL}, {"ioperm", unix.SYS_IOPERM},
	// Docker's profile allows these only with a capability the default
	// set lacks: CAP_SYS_PTRACE (another process's descriptors and
	// memory), CAP_SYS_NICE (NUMA memory policy), CAP_SYS_ADMIN (quotas).
	{"kcmp", unix.SYS_KCMP}, {"pidfd_getfd", unix.SYS_PIDFD_GETFD}, {"process_madvise", unix.SYS_PROCESS_MADVISE},
	{"get_mempolicy", unix.SYS_GET_MEMPOLICY}, {"mbind", unix.SYS_MBIND}, {"set_mempolicy", unix.SYS_SET_MEMPOLICY},
	{"set_mempolicy_home_node", unix.SYS_SET_MEMPOLICY_HOME_NODE}, {"quotactl_fd", unix.SYS_QUOTACTL_FD},
	// ... and these not at all: moving another process's pages between
	// NUMA nodes, and two obsolete calls that describe the host's file
	// systems.
	{"move_pages", unix.SYS_MOVE_PAGES}, {"migrate_pages", unix.SYS_MIGRATE_PAGES},
	{"ustat", unix.SYS_USTAT}, {"sysfs", unix.SYS_SYSFS},
}

// ValueFilteredSyscall is a call denied only when its first argument is
// Value.
type ValueFilteredSyscall struct {
	Syscall
	Value uint32
}

// ValueFilteredSyscalls are denied for one value of their first argument:
// socket(AF_VSOCK, ...), a channel to the hypervisor or to other virtual
// machines that no network namespace isolates, as Docker's profile denies
// it; every other address family is allowed. The filter compares the low
// 32 bits, which are all the kernel reads of an int argument, so no high
// bits set beside AF_VSOCK slip past it.
var ValueFilteredSyscalls = []ValueFilteredSyscall{{Syscall{"socket", unix.SYS_SOCKET}, unix.AF_VSOCK}}

// NamespaceFlags are the namespace kinds a container may not create: a
// new user namespace would give it a full capability set again, a new mount
// namespace a place to mount.
const NamespaceFlags = unix.CLONE_NEWUSER | unix.CLONE_NEWNS | unix.CLONE_NEWCGROUP

// FlagFilteredSyscalls are denied only when their first argument (the
// clone flags) has any of NamespaceFlags set.
var FlagFilteredSyscalls = []Syscall{{"unshare", unix.SYS_UNSHARE}, {"clone", unix.SYS_CLONE}}

// NoSysSyscalls answer ENOSYS: clone3 keeps its flags behind a pointer the
// filter cannot read, and libc falls back to clone when it is missing.
var NoSysSyscalls = []Syscall{{"clone3", unix.SYS_CLONE3}}

// seccomp_data offsets.
const (
	offNr   = 0
	offArch = 4
	offArg0 = 16 // low 32 bits on a little-endian machine
)

func stmt(code uint16, k uint32) unix.SockFilter { return unix.SockFilter{Code: code, K: k} }
func jump(code uint16, k uint32, jt, jf uint8) unix.SockFilter {
	return unix.SockFilter{Code: code, Jt: jt, Jf: jf, K: k}
}

// buildFilter assembles the default filter as classic BPF: check the
// architecture, refuse the x32 ABI, deny the listed calls, deny
// namespace-creating unshare/clone and socket(AF_VSOCK), refuse clone3 with
// ENOSYS (its flags sit behind a pointer the filter cannot read, and libc
// falls back to clone), and allow everything else.
func buildFilter(arch uint32) []unix.SockFilter {
	const (
		ld    = unix.BPF_LD | unix.BPF_W | unix.BPF_ABS
		jeq   = unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K
		jge   = unix.BPF_JMP | unix.BPF_JGE | unix.BPF_K
		jset  = unix.BPF_JMP | unix.BPF_JSET | unix.BPF_K
		ret   = unix.BPF_RET | unix.BPF_K
		deny  = unix.SECCOMP_RET_ERRNO | uint32(SeccompErrno)
		nosys = unix.SECCOMP_RET_ERRNO | uint32(unix.ENOSYS)
		allow = unix.SECCOMP_RET_ALLOW
		kill  = unix.SECCOMP_RET_KILL_PROCESS
		x32   = 0x40000000
	)
	p := []unix.SockFilter{
		stmt(ld, offArch),
		jump(jeq, arch, 1, 0),
		stmt(ret, kill),
		stmt(ld, offNr),
		jump(jge, x32, 0, 1),
		stmt(ret, deny),
	}
	for _, c := range DeniedSyscalls {
		p = append(p, jump(jeq, uint32(c.Nr), 0, 1), stmt(ret, deny))
	}
	for _, c := range NoSysSyscalls {
		p = append(p, jump(jeq, uint32(c.Nr), 0, 1), stmt(ret, nosys))
	}
	for _, c := range FlagFilteredSyscalls {
		p = append(p,
			jump(jeq, uint32(c.Nr), 0, 4),
			stmt(ld, offArg0),
			jump(jset, NamespaceFlags, 0, 1),
			stmt(ret, deny),
			stmt(ret, allow),
		)
	}
	for _, c := range ValueFilteredSyscalls {
		p = append(p,
			jump(jeq, uint32(c.Nr), 0, 4),
			stmt(ld, offArg0),
			jump(jeq, c.Value, 0, 1),
			stmt(ret, deny),
			stmt(ret, allow),
		)
	}
	return append(p, stmt(ret, allow))
}

// installSeccomp loads the filter on the calling thread, the one that will
// exec the command; the filter is inherited across exec and fork.
func installSeccomp(profile SeccompProfile) error {
	switch profile {
	case SeccompUnconfined:
		return nil
	case SeccompDefault:
	default:
		return fmt.Errorf("unknown seccomp profile %q (want default or unconfined)", profile)
	}
	if auditArch == 0 {
		return fmt.Errorf("no default seccomp filter for this architecture: use --seccomp=unconfined")
	}
	filter := buildFilter(auditArch)
	prog := unix.SockFprog{Len: uint16(len(filter)), Filter: &filter[0]}
	if err := unix.Prctl(unix.PR_SET_SECCOMP, unix.SECCOMP_MODE_FILTER, uintptr(unsafe.Pointer(&prog)), 0, 0); err != nil {
		return fmt.Errorf("load seccomp filter: %w", err)
	}
	return nil
}
