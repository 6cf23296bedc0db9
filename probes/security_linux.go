package probes

// Probe "security": the container-escape catalogue. Each attempt tries one
// known technique in its harmless form and reports whether the container
// could do it: succeeded = it could (bad), failed = something stopped it
// (Errno says how, Detail names the defence when the errno tells), and
// unsupported = it could not be tried (missing flag or fingerprint; the
// suite skips). The probe only looks: files are opened for writing and
// closed without a write, syscalls get bad pointers and bad descriptors,
// mounts and device nodes it makes live in fresh directories under -dir and
// are removed before it reports.
//
// Attempts, in report order (files named for where they are made):
//
//	security_fs_linux.go     mknod-blockdev read-blockdev mount-tmpfs
//	                         mount-proc mount-cgroup open-core-pattern-w
//	                         open-sysrq-trigger-w open-release-agent-w
//	                         cgroup-write-own-limit cgroup-move-parent
//	security_child_linux.go  unshare-userns setns-inherited-fd setuid-gain
//	security_host_linux.go   open-by-handle finit-module kill-sentinel
//	                         pidfd-open-sentinel abstract-socket
//	                         runtime-sockets keyring-host-key proc1-exe
//	security_read_linux.go   read-kcore read-dev-mem kallsyms-addresses
//	                         read-timer-list read-sched-debug read-proc-keys
//	seccomp_linux.go         syscall-<name> for mount unshare setns
//	                         finit_module kexec_load open_by_handle_at bpf
//	                         perf_event_open keyctl add_key ptrace
//
// Flags (the suite computes the host-side values):
//
//	-rootdev MAJOR:MINOR  host root's block device; default FP.RootMount.
//	-handle TYPE:HEX      file handle of the host canary (EncodeHandle;
//	                      HostHandle computes it on the host).
//	-key-desc DESC        description of a "user" key planted in the host's
//	                      user keyring.
//	-runtime-ino DEV:INO  st_dev:st_ino (decimal) of the runtime binary on
//	                      the host.
//	-setuid-helper PATH   a setuid-root copy of this probe inside the rootfs.
//	-seccomp-errno E      errno the runtime's seccomp filter returns; default
//	                      EPERM (name or number).
//	-dir DIR              where nodes and mount points are made; default /tmp.
//
// The internal probe "security-child" runs the attempts that need a fresh
// process (see security_child_linux.go).

import (
	"encoding/hex"
	"fmt"
	"time"

	"golang.org/x/sys/unix"
)

func init() {
	Register("security", "escape catalogue: device nodes, mounts, /proc and cgroup writes, handles, keys, seccomp", 20*time.Second, runSecurity)
}

// secFlags are the security probe's flags after parsing.
type secFlags struct {
	rootDev      string
	handle       string
	keyDesc      string
	runtimeIno   string
	setuidHelper string
	filterErrno  unix.Errno
	dir          string
	nonce        string
}

func parseSecFlags(env *Env) (*secFlags, error) {
	fs := NewFlags("security")
	f := &secFlags{}
	fs.StringVar(&f.rootDev, "rootdev", env.FP.RootMount, "host root block device major:minor")
	fs.StringVar(&f.handle, "handle", "", "host canary file handle TYPE:HEX")
	fs.StringVar(&f.keyDesc, "key-desc", "", "description of a key in the host's user keyring")
	fs.StringVar(&f.runtimeIno, "runtime-ino", "", "runtime binary on the host, dev:ino")
	fs.StringVar(&f.setuidHelper, "setuid-helper", "", "setuid-root copy of the probe")
	errnoText := fs.String("seccomp-errno", "EPERM", "errno of the seccomp filter")
	fs.StringVar(&f.dir, "dir", "/tmp", "directory for nodes and mount points")
	if err := fs.Parse(env.Args); err != nil {
		return nil, fmt.Errorf("security: %w", err)
	}
	e, err := parseErrno(*errnoText)
	if err != nil {
		return nil, fmt.Errorf("security: -seccomp-errno: %w", err)
	}
	f.filterErrno = e
	f.nonce = env.FP.Nonce
	if !SafeName(f.nonce) {
		var b [8]byte
		if _, err := unix.Getrandom(b[:], 0); err != nil {
			return nil, fmt.Errorf("security: getrandom for a nonce: %w", err)
		}
		f.nonce = hex.EncodeToString(b[:])
	}
	return f, nil
}

// secPath names something the probe creates under -dir.
func (f *secFlags) secPath(what string) string {
	return f.dir + "/lc-sec-" + f.nonce + "-" + what
}

func runSecurity(env *Env) error {
	f, err := parseSecFlags(env)
	if err != nil {
		return err
	}
	r, fp := env.Report, env.FP
	secBlockDev(r, f)
	secMounts(r, f)
	secOpenHandle(r, fp, f)
	secOpenWrite(r)
	secCgroupWrite(r)
	secUnshareUserNS(r, fp)
	secFinitModule(r)
	secSentinel(r, fp)
	secSockets(r, fp)
	secReads(r)
	secKeyring(r, f)
	secSetnsInherited(r, fp)
	secProc1Exe(r, f)
	secSetuidGain(r, fp, f)
	secSyscalls(r, f.filterErrno)
	return nil
}
