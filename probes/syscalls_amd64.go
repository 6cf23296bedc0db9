package probes

import "golang.org/x/sys/unix"

// harmlessCalls are the syscalls probe's calls on x86-64, each with
// arguments the kernel refuses (what it answers when the call reaches it,
// for an unprivileged container root, is in the comment).
var harmlessCalls = []secBadCall{
	{name: "bpf", capFirstBefore: [2]int{6, 5}, args: "bpf(BPF_MAP_CREATE, NULL, 8)", call: sys6(unix.SYS_BPF, unix.BPF_MAP_CREATE, 0, 8), closesFD: true},                                      // EFAULT
	{name: "fanotify_init", capFirst: true, args: "fanotify_init(0xffffffff, 0)", call: sys6(unix.SYS_FANOTIFY_INIT, 0xffffffff, 0), closesFD: true},                                            // EPERM|EINVAL
	{name: "fsconfig", args: "fsconfig(-1, 0xffff, NULL, NULL, 0)", call: sys6(unix.SYS_FSCONFIG, minus1, 0xffff, 0, 0, 0)},                                                                     // EINVAL|EBADF
	{name: "fsmount", capFirst: true, args: "fsmount(-1, 0, 0)", call: sys6(unix.SYS_FSMOUNT, minus1, 0, 0), closesFD: true},                                                                    // EBADF
	{name: "fsopen", capFirst: true, args: "fsopen(NULL, 0)", call: sys6(unix.SYS_FSOPEN, 0, 0), closesFD: true},                                                                                // EFAULT
	{name: "fspick", capFirst: true, args: "fspick(-1, NULL, 0)", call: sys6(unix.SYS_FSPICK, minus1, 0, 0), closesFD: true},                                                                    // EFAULT|EBADF
	{name: "lookup_dcookie", capFirst: true, args: "lookup_dcookie(0, NULL, 0)", call: sys6(unix.SYS_LOOKUP_DCOOKIE, 0, 0, 0)},                                                                  // removed in 6.8
	{name: "mount", args: "mount(NULL, NULL, 0x1, 0, NULL)", call: sys6(unix.SYS_MOUNT, 0, 0, secBadPtr, 0, 0)},                                                                                 // EFAULT
	{name: "mount_setattr", args: "mount_setattr(-1, NULL, 0, NULL, 0)", call: sys6(unix.SYS_MOUNT_SETATTR, minus1, 0, 0, 0, 0)},                                                                // EINVAL
	{name: "move_mount", capFirst: true, args: "move_mount(-1, NULL, -1, NULL, 0)", call: sys6(unix.SYS_MOVE_MOUNT, minus1, 0, minus1, 0, 0)},                                                   // EFAULT|EBADF
	{name: "open_tree", args: "open_tree(-1, NULL, 0)", call: sys6(unix.SYS_OPEN_TREE, minus1, 0, 0), closesFD: true},                                                                           // EFAULT
	{name: "perf_event_open", args: "perf_event_open(NULL, 0, -1, -1, 0)", call: sys6(unix.SYS_PERF_EVENT_OPEN, 0, 0, minus1, minus1, 0), closesFD: true},                                       // EFAULT
	{name: "quotactl", args: "quotactl(0, NULL, 0, NULL)", call: sys6(unix.SYS_QUOTACTL, 0, 0, 0, 0)},                                                                                           // ENODEV
	{name: "quotactl_fd", args: "quotactl_fd(-1, 0, 0, NULL)", call: sys6(unix.SYS_QUOTACTL_FD, minus1, 0, 0, 0)},                                                                               // EBADF
	{name: "setdomainname", capFirst: true, args: "setdomainname(0x1, 0xffff)", call: sys6(unix.SYS_SETDOMAINNAME, secBadPtr, 0xffff)},                                                          // EINVAL
	{name: "sethostname", capFirst: true, args: "sethostname(0x1, 0xffff)", call: sys6(unix.SYS_SETHOSTNAME, secBadPtr, 0xffff)},                                                                // EINVAL
	{name: "setns", args: "setns(-1, 0)", call: sys6(unix.SYS_SETNS, minus1, 0)},                                                                                                                // EBADF
	{name: "syslog", capFirst: true, args: "syslog(-1, NULL, 0)", call: sys6(unix.SYS_SYSLOG, minus1, 0, 0)},                                                                                    // EINVAL
	{name: "umount2", args: "umount2(0x1, 0xffff)", call: sys6(unix.SYS_UMOUNT2, secBadPtr, 0xffff)},                                                                                            // EINVAL
	{name: "open_by_handle_at", capFirstBefore: [2]int{6, 10}, args: "open_by_handle_at(-1, NULL, O_RDONLY)", call: sys6(unix.SYS_OPEN_BY_HANDLE_AT, minus1, 0, unix.O_RDONLY), closesFD: true}, // EBADF
	{name: "reboot", capFirst: true, args: "reboot(0, 0, 0, NULL)", call: sys6(unix.SYS_REBOOT, 0, 0, 0, 0)},                                                                                    // EINVAL (bad magic)
	{name: "init_module", capFirst: true, args: "init_module(NULL, 0, NULL)", call: sys6(unix.SYS_INIT_MODULE, 0, 0, 0)},                                                                        // EINVAL|ENOEXEC
	{name: "finit_module", capFirst: true, args: "finit_module(-1, NULL, 0)", call: sys6(unix.SYS_FINIT_MODULE, minus1, 0, 0)},                                                                  // EBADF
	{name: "delete_module", capFirst: true, args: "delete_module(0x1, 0)", call: sys6(unix.SYS_DELETE_MODULE, secBadPtr, 0)},                                                                    // EFAULT
	{name: "acct", capFirst: true, args: "acct(0x1)", call: sys6(unix.SYS_ACCT, secBadPtr)},                                                                                                     // EFAULT
	{name: "kcmp", args: "kcmp(0x7fffffff, 0x7fffffff, 0, 0, 0)", call: sys6(unix.SYS_KCMP, 0x7fffffff, 0x7fffffff, 0, 0, 0)},                                                                   // ESRCH
	{name: "pidfd_getfd", args: "pidfd_getfd(-1, 0, 0)", call: sys6(unix.SYS_PIDFD_GETFD, minus1, 0, 0), closesFD: true},                                                                        // EBADF
	{name: "process_madvise", args: "process_madvise(-1, NULL, 0, 0, 0)", call: sys6(unix.SYS_PROCESS_MADVISE, minus1, 0, 0, 0, 0)},                                                             // EBADF
	{name: "iopl", args: "iopl(4)", call: sys6(unix.SYS_IOPL, 4)},                                                                                                                               // EINVAL
	{name: "ioperm", args: "ioperm(0xffffffff, 1, 1)", call: sys6(unix.SYS_IOPERM, 0xffffffff, 1, 1)},                                                                                           // EINVAL
	{name: "settimeofday", args: "settimeofday(0x1, NULL)", call: sys6(unix.SYS_SETTIMEOFDAY, secBadPtr, 0)},                                                                                    // EFAULT
	{name: "clock_settime", args: "clock_settime(CLOCK_REALTIME, 0x1)", call: sys6(unix.SYS_CLOCK_SETTIME, unix.CLOCK_REALTIME, secBadPtr)},                                                     // EFAULT
	{name: "vhangup", capFirst: true, args: "vhangup()", call: sys6(unix.SYS_VHANGUP)},                                                                                                          // EPERM without CAP_SYS_TTY_CONFIG
	{name: "get_mempolicy", args: "get_mempolicy(NULL, NULL, 0, NULL, 0xffff)", call: sys6(unix.SYS_GET_MEMPOLICY, 0, 0, 0, 0, 0xffff)},                                                         // EINVAL
	{name: "mbind", args: "mbind(0, 0, 0xffff, NULL, 0, 0)", call: sys6(unix.SYS_MBIND, 0, 0, 0xffff, 0, 0, 0)},                                                                                 // EINVAL
	{name: "set_mempolicy", args: "set_mempolicy(0xffff, NULL, 0)", call: sys6(unix.SYS_SET_MEMPOLICY, 0xffff, 0, 0)},                                                                           // EINVAL
	{name: "set_mempolicy_home_node", args: "set_mempolicy_home_node(0, 0, 0, 0xffff)", call: sys6(unix.SYS_SET_MEMPOLICY_HOME_NODE, 0, 0, 0, 0xffff)},                                          // EINVAL
	{name: "personality", args: "personality(current | ADDR_NO_RANDOMIZE), then restored", call: personalityCall},                                                                               // OK
	{name: "socket", args: "socket(AF_VSOCK, SOCK_STREAM, 0)", call: sys6(unix.SYS_SOCKET, unix.AF_VSOCK, unix.SOCK_STREAM, 0), closesFD: true},                                                 // EAFNOSUPPORT or OK
	{name: "kexec_load", capFirst: true, args: "kexec_load(0, 17, NULL, 0xfffe0000)", call: sys6(unix.SYS_KEXEC_LOAD, 0, 17, 0, 0xfffe0000)},                                                    // EINVAL
	{name: "kexec_file_load", capFirst: true, args: "kexec_file_load(-1, -1, 0, NULL, 0xffffffff)", call: sys6(unix.SYS_KEXEC_FILE_LOAD, minus1, minus1, 0, 0, 0xffffffff)},                     // EINVAL
	{name: "add_key", args: "add_key(0x1, NULL, NULL, 0, 0)", call: sys6(unix.SYS_ADD_KEY, secBadPtr, 0, 0, 0, 0)},                                                                              // EFAULT
	{name: "keyctl", args: "keyctl(0xffff, 0, 0, 0, 0)", call: sys6(unix.SYS_KEYCTL, 0xffff)},                                                                                                   // EOPNOTSUPP
	{name: "request_key", args: "request_key(0x1, NULL, NULL, 0)", call: sys6(unix.SYS_REQUEST_KEY, secBadPtr, 0, 0, 0)},                                                                        // EFAULT
	{name: "userfaultfd", args: "userfaultfd(UFFD_USER_MODE_ONLY|0x2)", call: sys6(unix.SYS_USERFAULTFD, 0x1|0x2), closesFD: true},                                                              // EINVAL
	{name: "swapon", capFirst: true, args: "swapon(0x1, 0)", call: sys6(unix.SYS_SWAPON, secBadPtr, 0)},                                                                                         // EFAULT
	{name: "swapoff", capFirst: true, args: "swapoff(0x1)", call: sys6(unix.SYS_SWAPOFF, secBadPtr)},                                                                                            // EFAULT
	{name: "pivot_root", capFirst: true, args: "pivot_root(0x1, 0x1)", call: sys6(unix.SYS_PIVOT_ROOT, secBadPtr, secBadPtr)},                                                                   // EFAULT
	{name: "move_pages", args: "move_pages(0, 1, NULL, NULL, NULL, 0xffff)", call: sys6(unix.SYS_MOVE_PAGES, 0, 1, 0, 0, 0, 0xffff)},                                                            // EINVAL
	{name: "migrate_pages", args: "migrate_pages(0x7fffffff, 0, NULL, NULL)", call: sys6(unix.SYS_MIGRATE_PAGES, 0x7fffffff, 0, 0, 0)},                                                          // ESRCH
	{name: "uselib", args: "uselib(0x1)", call: sys6(unix.SYS_USELIB, secBadPtr)},                                                                                                               // EFAULT, or ENOSYS without CONFIG_USELIB
	{name: "ustat", args: "ustat(0, NULL)", call: sys6(unix.SYS_USTAT, 0, 0)},                                                                                                                   // EINVAL
	{name: "sysfs", args: "sysfs(0xffff)", call: sys6(unix.SYS_SYSFS, 0xffff)},                                                                                                                  // EINVAL
	{name: "_sysctl", args: "_sysctl(NULL)", call: sys6(unix.SYS__SYSCTL, 0)},                                                                                                                   // ENOSYS (removed in 5.5)
	{name: "nfsservctl", args: "nfsservctl(0, NULL, NULL)", call: sys6(unix.SYS_NFSSERVCTL, 0, 0, 0)},                                                                                           // ENOSYS
	{name: "create_module", args: "create_module(NULL, 0)", call: sys6(unix.SYS_CREATE_MODULE, 0, 0)},                                                                                           // ENOSYS
	{name: "get_kernel_syms", args: "get_kernel_syms(NULL)", call: sys6(unix.SYS_GET_KERNEL_SYMS, 0)},                                                                                           // ENOSYS
	{name: "query_module", args: "query_module(NULL, 0, NULL, 0, NULL)", call: sys6(unix.SYS_QUERY_MODULE, 0, 0, 0, 0, 0)},                                                                      // ENOSYS
}
