package runtime

import "golang.org/x/sys/unix"

// auditArch is the seccomp_data.arch the default filter accepts.
const auditArch = unix.AUDIT_ARCH_X86_64
