package reference

// DockerProfile names the version of Docker's default seccomp profile the
// lists below are read from: moby's profiles/seccomp/default.json at this
// commit. Its default action is SCMP_ACT_ERRNO with errno 1 (EPERM): every
// call the allow rules do not name is denied.
const DockerProfile = "moby/moby profiles/seccomp/default.json @ 00f3d189e420d485e42d15fe494f96d272284e0e"

// DeniedSyscall is one call the profile denies to a container holding
// Docker's default capability set (CHOWN DAC_OVERRIDE FSETID FOWNER MKNOD
// NET_RAW SETGID SETUID SETFCAP SETPCAP NET_BIND_SERVICE SYS_CHROOT KILL
// AUDIT_WRITE) on x86-64.
type DeniedSyscall struct {
	Name string
	// Rule says why the profile denies it: the capability its allow rule
	// needs, the argument its allow rule restricts, or that no rule names it.
	Rule string
}

// Rules of DeniedSyscall.
const (
	RuleNotAllowed = "named by no allow rule (default action ERRNO)"
	RuleSysAdmin   = "allowed only with CAP_SYS_ADMIN"
)

// DockerDenied are the x86-64 system calls the profile denies to a default
// container, each tried by the syscalls probe with arguments the kernel
// refuses. Left out, and judged elsewhere: unshare, clone and clone3, whose
// namespace flags are tried one at a time (NamespaceRequests), and calls
// Linux gained after the profile was written (cachestat, mseal, statmount,
// ...), for which this version of the reference has no word.
var DockerDenied = []DeniedSyscall{
	// The CAP_SYS_ADMIN rule.
	{"bpf", RuleSysAdmin}, {"fanotify_init", RuleSysAdmin}, {"fsconfig", RuleSysAdmin},
	{"fsmount", RuleSysAdmin}, {"fsopen", RuleSysAdmin}, {"fspick", RuleSysAdmin},
	{"lookup_dcookie", RuleSysAdmin}, {"mount", RuleSysAdmin}, {"mount_setattr", RuleSysAdmin},
	{"move_mount", RuleSysAdmin}, {"open_tree", RuleSysAdmin}, {"perf_event_open", RuleSysAdmin},
	{"quotactl", RuleSysAdmin}, {"quotactl_fd", RuleSysAdmin}, {"setdomainname", RuleSysAdmin},
	{"sethostname", RuleSysAdmin}, {"setns", RuleSysAdmin}, {"syslog", RuleSysAdmin},
	{"umount2", RuleSysAdmin},
	// One capability each, none of them in the default set.
	{"open_by_handle_at", "allowed only with CAP_DAC_READ_SEARCH"},
	{"reboot", "allowed only with CAP_SYS_BOOT"},
	{"init_module", "allowed only with CAP_SYS_MODULE"}, {"finit_module", "allowed only with CAP_SYS_MODULE"},
	{"delete_module", "allowed only with CAP_SYS_MODULE"},
	{"acct", "allowed only with CAP_SYS_PACCT"},
	{"kcmp", "allowed only with CAP_SYS_PTRACE"}, {"pidfd_getfd", "allowed only with CAP_SYS_PTRACE"},
	{"process_madvise", "allowed only with CAP_SYS_PTRACE"},
	{"iopl", "allowed only with CAP_SYS_RAWIO"}, {"ioperm", "allowed only with CAP_SYS_RAWIO"},
	{"settimeofday", "allowed only with CAP_SYS_TIME"}, {"clock_settime", "allowed only with CAP_SYS_TIME"},
	{"vhangup", "allowed only with CAP_SYS_TTY_CONFIG"},
	{"get_mempolicy", "allowed only with CAP_SYS_NICE"}, {"mbind", "allowed only with CAP_SYS_NICE"},
	{"set_mempolicy", "allowed only with CAP_SYS_NICE"}, {"set_mempolicy_home_node", "allowed only with CAP_SYS_NICE"},
	// Allowed only with some arguments.
	{"personality", "allowed only for 0, 0x8, 0x20000, 0x20008 and 0xffffffff"},
	{"socket", "allowed for every family but AF_VSOCK (40)"},
	// Named by no rule at all.
	{"kexec_load", RuleNotAllowed}, {"kexec_file_load", RuleNotAllowed},
	{"add_key", RuleNotAllowed}, {"keyctl", RuleNotAllowed}, {"request_key", RuleNotAllowed},
	{"userfaultfd", RuleNotAllowed}, {"swapon", RuleNotAllowed}, {"swapoff", RuleNotAllowed},
	{"pivot_root", RuleNotAllowed}, {"move_pages", RuleNotAllowed}, {"migrate_pages", RuleNotAllowed},
	{"uselib", RuleNotAllowed}, {"ustat", RuleNotAllowed}, {"sysfs", RuleNotAllowed},
	{"_sysctl", RuleNotAllowed}, {"nfsservctl", RuleNotAllowed},
	{"create_module", RuleNotAllowed}, {"get_kernel_syms", RuleNotAllowed}, {"query_module", RuleNotAllowed},
}

// DockerDeniedNames lists DockerDenied by name, for the probe's flag.
func DockerDeniedNames() []string {
	out := make([]string, len(DockerDenied))
	for i, d := range DockerDenied {
		out[i] = d.Name
	}
	return out
}

// NamespaceFlags are the namespace kinds a request names, one at a time.
var NamespaceFlags = []string{"user", "mnt", "net", "pid", "uts", "ipc", "cgroup", "time"}

// NamespaceWays are the ways a process asks for a namespace: unshare(2),
// clone(2), clone3(2) for a new one, setns(2) to join one. The profile
// denies unshare and setns to a container without CAP_SYS_ADMIN, allows
// clone only with none of CLONE_NEWNS, NEWUTS, NEWIPC, NEWUSER, NEWPID,
// NEWNET, NEWCGROUP set (mask 0x7E020000), and answers clone3 with ENOSYS
// (errnoRet 38: its flags sit behind a pointer the filter cannot read).
var NamespaceWays = []string{"unshare", "clone", "clone3", "setns"}

// NamespaceErrno is the errno the profile's denial of way answers with.
func NamespaceErrno(way string) string {
	if way == "clone3" {
		return "ENOSYS"
	}
	return "EPERM"
}

// NamespaceRequestPossible says whether way can name flag at all: clone(2)
// has no CLONE_NEWTIME (0x80 is inside its exit-signal byte).
func NamespaceRequestPossible(way, flag string) bool {
	return !(way == "clone" && flag == "time")
}
