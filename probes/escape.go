package probes

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// Pure decisions of the escape probe, kept apart from the syscalls so they
// are unit-testable without root.

// hasHostRoot says whether the host recorded its root directory's (dev, ino).
func hasHostRoot(fp *Fingerprints) bool { return fp.RootDev != 0 || fp.RootIno != 0 }

// isHostRoot says whether (dev, ino) is the host's root directory. Both
// numbers must match: an inode number alone repeats across filesystems.
func isHostRoot(fp *Fingerprints, dev, ino uint64) bool {
	return hasHostRoot(fp) && dev == fp.RootDev && ino == fp.RootIno
}

// digestMatches says whether content hashes to wantHex (sha256, any case).
// An empty want never matches, so a missing fingerprint is never a hit.
func digestMatches(content []byte, wantHex string) bool {
	if wantHex == "" {
		return false
	}
	sum := sha256.Sum256(content)
	return strings.EqualFold(hex.EncodeToString(sum[:]), strings.TrimSpace(wantHex))
}

// cwdUnreachable says whether getcwd(2) text names a directory outside the
// process's root: the kernel then prefixes it with "(unreachable)".
func cwdUnreachable(cwd string) bool { return strings.HasPrefix(cwd, "(unreachable)") }

// fdInfo is one open descriptor as /proc/self/fd shows it.
type fdInfo struct {
	FD      int
	Link    string // readlink /proc/self/fd/N
	CloExec bool   // FD_CLOEXEC set
	Dir     bool   // fstat says directory
}

// fdInherited says whether a descriptor 3+ arrived across exec rather than
// being opened by this process image. execve closes every FD_CLOEXEC
// descriptor, so anything inherited starts without the flag; this process
// (Go runtime included: the cgroup CPU files it reads for GOMAXPROCS, its
// epoll and eventfd, our own directory listings) opens everything with
// O_CLOEXEC. So: inherited exactly when FD_CLOEXEC is clear.
func fdInherited(f fdInfo) bool { return f.FD >= 3 && !f.CloExec }

// fdOwner labels a descriptor for the report: "inherited", "runtime" (the
// Go runtime's cgroup files) or "own" (opened by the probe).
func fdOwner(f fdInfo) string {
	switch {
	case fdInherited(f):
		return "inherited"
	case strings.HasPrefix(f.Link, "/sys/fs/cgroup"):
		return "runtime"
	default:
		return "own"
	}
}

// describeFDs renders descriptors 3+ for an attempt's Detail.
func describeFDs(fds []fdInfo) string {
	var parts []string
	for _, f := range fds {
		if f.FD < 3 {
			continue
		}
		parts = append(parts, fmt.Sprintf("%d=%s cloexec=%t %s", f.FD, f.Link, f.CloExec, fdOwner(f)))
	}
	if len(parts) == 0 {
		return "no descriptors 3+"
	}
	return strings.Join(parts, "; ")
}
