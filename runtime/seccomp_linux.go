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

// deniedSyscalls are refused outright by the default filter.
var deniedSyscalls = []uintptr{
	unix.SYS_KEYCTL, unix.SYS_ADD_KEY, unix.SYS_REQUEST_KEY,
	unix.SYS_KEXEC_LOAD, unix.SYS_KEXEC_FILE_LOAD,
	unix.SYS_INIT_MODULE, unix.SYS_FINIT_MODULE, unix.SYS_DELETE_MODULE,
	unix.SYS_OPEN_BY_HANDLE_AT, unix.SYS_BPF, unix.SYS_PERF_EVENT_OPEN,
	unix.SYS_MOUNT, unix.SYS_UMOUNT2, unix.SYS_PIVOT_ROOT, unix.SYS_MOUNT_SETATTR,
	unix.SYS_FSOPEN, unix.SYS_FSCONFIG, unix.SYS_FSMOUNT, unix.SYS_FSPICK,
	unix.SYS_MOVE_MOUNT, unix.SYS_OPEN_TREE,
	unix.SYS_SETNS, unix.SYS_SWAPON, unix.SYS_SWAPOFF, unix.SYS_REBOOT,
	unix.SYS_ACCT, unix.SYS_SETTIMEOFDAY, unix.SYS_CLOCK_SETTIME, unix.SYS_CLOCK_ADJTIME,
	unix.SYS_SYSLOG, unix.SYS_USERFAULTFD, unix.SYS_LOOKUP_DCOOKIE,
	unix.SYS_QUOTACTL, unix.SYS_NFSSERVCTL, unix.SYS_USELIB, unix.SYS_PERSONALITY,
	unix.SYS_PROCESS_VM_READV, unix.SYS_PROCESS_VM_WRITEV, unix.SYS_PTRACE,
	unix.SYS_IOPL, unix.SYS_IOPERM,
}

// nsFlags are the namespace kinds a container may not create: a new user
// namespace would give it a full capability set again, a new mount
// namespace a place to mount.
const nsFlags = unix.CLONE_NEWUSER | unix.CLONE_NEWNS | unix.CLONE_NEWCGROUP

// flagFiltered are denied only when their first argument has nsFlags set.
var flagFiltered = []uintptr{unix.SYS_UNSHARE, unix.SYS_CLONE}

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
// namespace-creating unshare/clone, refuse clone3 with ENOSYS (its flags sit
// behind a pointer the filter cannot read, and libc falls back to clone),
// and allow everything else.
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
	for _, nr := range deniedSyscalls {
		p = append(p, jump(jeq, uint32(nr), 0, 1), stmt(ret, deny))
	}
	p = append(p, jump(jeq, uint32(unix.SYS_CLONE3), 0, 1), stmt(ret, nosys))
	for _, nr := range flagFiltered {
		p = append(p,
			jump(jeq, uint32(nr), 0, 4),
			stmt(ld, offArg0),
			jump(jset, nsFlags, 0, 1),
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
