package security

import (
	"github.com/little-container/little-container/runtime/capability"
	"github.com/little-container/little-container/suites/reference"
)

// The harness's own expectations, written here from the published
// references and never imported from the runtime under test: a runtime
// whose defaults drift (a capability added, a masked path dropped) then
// FAILs a check instead of moving the expectation with it. A unit test
// (expect_test.go) holds little-container's defaults to these lists.

// ExpectedCaps is the default capability set of the OCI runtimes as Docker
// and containerd publish it (moby oci/caps/defaults.go; runc's
// libcontainer/specconv example spec keeps a subset of it): the most a
// container's root may hold in any set.
var ExpectedCaps = []string{
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
	"CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
	"CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
}

// ExpectedMaskedPaths are the paths runc's and Docker's default spec masks
// (linux.maskedPaths): hidden, or reading nothing. One list with the
// kernel interface rows', read from the references in package reference.
var ExpectedMaskedPaths = reference.MaskedPaths

// ExpectedReadonlyPaths are the paths runc's and Docker's default spec
// makes read-only (linux.readonlyPaths), as package reference has them.
var ExpectedReadonlyPaths = reference.ReadonlyPaths

// ExpectedDenied are system calls Docker's default seccomp profile
// (moby profiles/seccomp/default.json) leaves out of its allow-list for a
// container without the matching capability, so a default container gets
// them refused: DeniedCalls are those the security probe tries. ptrace is
// not here: the profile allows it from kernel 4.8 on.
var ExpectedDenied = []string{
	"mount", "umount2", "setns", "finit_module", "init_module", "delete_module", "kexec_load",
	"kexec_file_load", "open_by_handle_at", "bpf", "perf_event_open", "keyctl", "add_key",
	"request_key", "pivot_root", "swapon", "swapoff", "reboot", "acct",
	"settimeofday", "clock_settime", "syslog", "userfaultfd", "quotactl", "iopl", "ioperm",
}

// expectedCapSet is ExpectedCaps as a set.
func expectedCapSet() capability.Set {
	var s capability.Set
	for _, n := range ExpectedCaps {
		c, err := capability.Parse(n)
		if err == nil { // the names are the kernel's; a typo fails expect_test
			s |= capability.NewSet(c)
		}
	}
	return s
}
