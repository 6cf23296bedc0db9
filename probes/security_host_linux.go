package probes

// Security probe, attempts at host objects (stable names; see
// security_linux.go):
//
//	open-by-handle       open_by_handle_at("/" of the container, -handle,
//	                     O_RDONLY): the "shocker" escape. succeeded = the host
//	                     canary opened (bad); its first MiB is read and
//	                     compared with FP.CanarySHA256: Value "match",
//	                     "differs" or "unread". EPERM: no CAP_DAC_READ_SEARCH
//	                     (or seccomp); ESTALE/EINVAL: the handle is not
//	                     valid on the filesystem of the container's "/".
//	finit-module         finit_module(-1, "", 0). The kernel checks
//	                     CAP_SYS_MODULE (and modules_disabled) before the
//	                     descriptor: EBADF = the capability check passed =
//	                     succeeded (bad); EPERM = blocked (capability or
//	                     seccomp) = failed. Value = errno name.
//	kill-sentinel        kill(FP.SentinelPID, 0). succeeded = the host process
//	                     is visible and signallable; ESRCH = not visible (pid
//	                     namespace); EPERM = it exists (visible) but may not
//	                     be signalled. Value = pid.
//	pidfd-open-sentinel  pidfd_open(FP.SentinelPID). succeeded = a descriptor
//	                     for the host process (closed at once).
//	abstract-socket      connect to "@"+FP.AbstractSocket (stream).
//	                     succeeded = connected (shared network namespace).
//	runtime-sockets      connect to each of /run/docker.sock,
//	                     /var/run/docker.sock, /run/containerd/containerd.sock,
//	                     /run/crio/crio.sock that exists as a socket.
//	                     unsupported when none exists; succeeded = any
//	                     connected (Value = its path).
//	keyring-host-key     keyctl(KEYCTL_SEARCH) for a "user" key described by
//	                     -key-desc in the user, then the session keyring.
//	                     succeeded = found (Value = serial). ENOKEY = not
//	                     found (keyrings isolated). The search may make the
//	                     kernel instantiate the caller's empty user keyring.
//	proc1-exe            readlink and stat /proc/1/exe. Value = "dev:ino" of
//	                     the binary; succeeded = it is -runtime-ino, the
//	                     runtime binary on the host (bad: the container
//	                     could reach it through /proc). unsupported without
//	                     -runtime-ino (Value still set).
//
// Attempts whose fingerprint or flag is absent are unsupported.

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	"golang.org/x/sys/unix"
)

// secDialTimeout bounds one connect to a socket.
const secDialTimeout = time.Second

// HostHandle computes, on the host, the -handle flag value for path: its
// name_to_handle_at(2) handle, encoded by EncodeHandle.
func HostHandle(path string) (string, error) {
	h, _, err := unix.NameToHandleAt(unix.AT_FDCWD, path, 0)
	if err != nil {
		return "", fmt.Errorf("name_to_handle_at %s: %w", path, err)
	}
	return EncodeHandle(h.Type(), h.Bytes()), nil
}

func secOpenHandle(r *Report, fp *Fingerprints, f *secFlags) {
	const name = "open-by-handle"
	if f.handle == "" {
		r.Unsupported(name, "no -handle given")
		return
	}
	typ, b, err := DecodeHandle(f.handle)
	if err != nil {
		r.Unsupported(name, "-handle: "+err.Error())
		return
	}
	root, err := openRetry("/", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC)
	if err != nil {
		r.Record(name, fmt.Errorf("open /: %w", err), "")
		return
	}
	defer unix.Close(root)
	fd, err := unix.OpenByHandleAt(root, unix.NewFileHandle(typ, b), unix.O_RDONLY|unix.O_CLOEXEC)
	if errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EOPNOTSUPP) {
		// gVisor implements no file handles: nothing was refused.
		r.NotImplemented(name, "open_by_handle_at answers "+unix.ErrnoName(err.(unix.Errno)))
		return
	}
	if err != nil {
		why := openDefence(err)
		switch {
		case errors.Is(err, unix.EPERM):
			why = "no CAP_DAC_READ_SEARCH (or seccomp)"
		case errors.Is(err, unix.ESTALE), errors.Is(err, unix.EINVAL):
			why = "handle not valid on the filesystem of the container's /"
		}
		RecordValue(r, name, fmt.Errorf("open_by_handle_at: %w", err), "", why)
		return
	}
	defer unix.Close(fd)
	content, rerr := readFD(fd, canaryLimit)
	value := "unread"
	switch {
	case rerr != nil:
	case digestMatches(content, fp.CanarySHA256):
		value = "match"
	default:
		value = "differs"
	}
	detail := fmt.Sprintf("opened the handle's file; read %d bytes, digest %s", len(content), value)
	if rerr != nil {
		detail += ": " + rerr.Error()
	}
	RecordValue(r, name, nil, value, detail)
}

// readFD reads at most limit bytes from fd, never asking for more.
func readFD(fd, limit int) ([]byte, error) {
	buf := make([]byte, min(limit, 64*1024))
	var out []byte
	for len(out) < limit {
		n, err := unix.Read(fd, buf[:min(len(buf), limit-len(out))])
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return out, err
		}
		if n == 0 {
			break
		}
		out = append(out, buf[:n]...)
	}
	return out, nil
}

func secFinitModule(r *Report) {
	const name = "finit-module"
	err := unix.FinitModule(-1, "", 0)
	a := Attempt{Name: name, Outcome: Failed, Errno: ErrnoName(err), Value: ErrnoName(err)}
	switch {
	case err == nil:
		a.Outcome, a.Detail = Succeeded, "finit_module(-1) returned 0"
	case errors.Is(err, unix.EBADF):
		a.Outcome = Succeeded
		a.Detail = "capability check passed (CAP_SYS_MODULE held, modules not disabled, not filtered): stopped only by the bad descriptor"
	case errors.Is(err, unix.EPERM):
		a.Detail = "blocked before the descriptor: no CAP_SYS_MODULE, modules_disabled, or seccomp (see syscall-finit_module and the unconfined control)"
	case errors.Is(err, unix.ENOSYS):
		a.Detail = "ENOSYS: no module support, or a filter answering ENOSYS"
	default:
		a.Detail = "refused: " + err.Error()
	}
	r.Attempts = append(r.Attempts, a)
}

func secSentinel(r *Report, fp *Fingerprints) {
	if fp.SentinelPID <= 0 {
		r.Unsupported("kill-sentinel", "no sentinel pid in the fingerprints")
		r.Unsupported("pidfd-open-sentinel", "no sentinel pid in the fingerprints")
		return
	}
	pid := strconv.Itoa(fp.SentinelPID)
	err := unix.Kill(fp.SentinelPID, 0)
	RecordValue(r, "kill-sentinel", secWrap("kill "+pid+" 0", err), pid, pidDefence(err))
	fd, err := unix.PidfdOpen(fp.SentinelPID, 0)
	if err == nil {
		unix.Close(fd)
	}
	if errors.Is(err, unix.ENOSYS) {
		r.NotImplemented("pidfd-open-sentinel", "pidfd_open answers ENOSYS")
		return
	}
	RecordValue(r, "pidfd-open-sentinel", secWrap("pidfd_open "+pid, err), pid, pidDefence(err))
}

// pidDefence reads the errno of a call aimed at a host pid.
func pidDefence(err error) string {
	switch {
	case err == nil:
		return "host process reachable"
	case errors.Is(err, unix.ESRCH):
		return "not visible (pid namespace)"
	case errors.Is(err, unix.EPERM):
		return "exists and is visible, but not permitted (uid or user namespace)"
	case errors.Is(err, unix.ENOSYS):
		return "syscall unavailable (old kernel or a filter answering ENOSYS)"
	}
	return "refused: " + errText(err)
}

// secRuntimeSockets are runtime API sockets a careless bind mount exposes.
var secRuntimeSockets = []string{
	"/run/docker.sock", "/var/run/docker.sock",
	"/run/containerd/containerd.sock", "/run/crio/crio.sock",
}

func secSockets(r *Report, fp *Fingerprints) {
	if fp.AbstractSocket == "" {
		r.Unsupported("abstract-socket", "no abstract socket in the fingerprints")
	} else {
		addr := "@" + fp.AbstractSocket
		err := dialClose("unix", addr)
		why := "connected: the host's abstract socket namespace is shared (network namespace)"
		if errors.Is(err, unix.ECONNREFUSED) {
			why = "no such socket in this network namespace"
		} else if err != nil {
			why = "refused: " + errText(err)
		}
		RecordValue(r, "abstract-socket", err, addr, why)
	}
	const name = "runtime-sockets"
	var tried []string
	var last error
	for _, p := range secRuntimeSockets {
		var st unix.Stat_t
		if unix.Stat(p, &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFSOCK {
			continue
		}
		if err := dialClose("unix", p); err != nil {
			last = err
			tried = append(tried, p+": "+errText(err))
			continue
		}
		RecordValue(r, name, nil, p, "connected to the runtime socket "+p)
		return
	}
	if len(tried) == 0 {
		r.Unsupported(name, "no runtime socket present")
		return
	}
	RecordValue(r, name, last, "", fmt.Sprint(tried))
}

// dialClose connects and closes at once; nothing is sent.
func dialClose(network, addr string) error {
	c, err := net.DialTimeout(network, addr, secDialTimeout)
	if err != nil {
		return err
	}
	return c.Close()
}

func secKeyring(r *Report, f *secFlags) {
	const name = "keyring-host-key"
	if f.keyDesc == "" {
		r.Unsupported(name, "no -key-desc given")
		return
	}
	var notes []string
	var last error
	for _, ring := range []struct {
		id   int
		name string
	}{{unix.KEY_SPEC_USER_KEYRING, "user"}, {unix.KEY_SPEC_SESSION_KEYRING, "session"}} {
		id, err := unix.KeyctlSearch(ring.id, "user", f.keyDesc, 0)
		if err == nil {
			RecordValue(r, name, nil, strconv.Itoa(id), fmt.Sprintf("found key %q as %d in the %s keyring", f.keyDesc, id, ring.name))
			return
		}
		last = fmt.Errorf("keyctl search %s keyring: %w", ring.name, err)
		notes = append(notes, ring.name+": "+errText(err))
	}
	why := "not found in the user or session keyring"
	if errors.Is(last, unix.EPERM) || errors.Is(last, unix.ENOSYS) {
		why = "keyctl refused (seccomp?)"
	}
	RecordValue(r, name, last, "", fmt.Sprintf("%s (%v)", why, notes))
}

func secProc1Exe(r *Report, f *secFlags) {
	const name, exe = "proc1-exe", "/proc/1/exe"
	link, lerr := readlinkRaw(exe)
	var st unix.Stat_t
	if err := unix.Stat(exe, &st); err != nil {
		RecordValue(r, name, fmt.Errorf("stat %s: %w", exe, err), "", "link "+orErr(link, lerr)+"; pid 1's binary not reachable")
		return
	}
	value := devIno(&st)
	detail := fmt.Sprintf("%s -> %s is %s", exe, orErr(link, lerr), value)
	if f.runtimeIno == "" {
		a := Attempt{Name: name, Outcome: Unsupported, Value: value, Detail: detail + "; no -runtime-ino to compare with"}
		r.Attempts = append(r.Attempts, a)
		return
	}
	dev, ino, err := ParseDevIno(f.runtimeIno)
	if err != nil {
		r.Attempts = append(r.Attempts, Attempt{Name: name, Outcome: Unsupported, Value: value, Detail: detail + "; -runtime-ino: " + err.Error()})
		return
	}
	if uint64(st.Dev) == dev && uint64(st.Ino) == ino {
		RecordValue(r, name, nil, value, detail+": the runtime binary on the host")
		return
	}
	RecordValue(r, name, fmt.Errorf("not the runtime binary %s", f.runtimeIno), value, detail)
}

func readlinkRaw(path string) (string, error) {
	buf := make([]byte, unix.PathMax)
	n, err := unix.Readlink(path, buf)
	if err != nil {
		return "", err
	}
	return string(buf[:n]), nil
}

func orErr(s string, err error) string {
	if err != nil {
		return "(" + errText(err) + ")"
	}
	return s
}
