package probes

// The "ns" probe looks, from inside a container, at what it shares with the
// host. It only observes (stat, kill with signal 0, *get without create,
// connect); the one thing it changes is a tmpfs it mounts on a directory of
// its own, so the host can check that the mount does not leak out.
//
// Attempts (names are a contract with the suites; Value is machine-readable):
//
//	ns-<name>      for cgroup ipc mnt net pid time user uts: stat of
//	               /proc/self/ns/<name>. Value "dev:ino" (decimal). Detail is
//	               exactly "same-as-host", "differs" or "no-host-fingerprint"
//	               (compared with FP.Namespaces[name]). Unsupported when the
//	               file is missing (kernel without it, or /proc not mounted).
//	pid-self       Value getpid(); Detail "ppid=N".
//	pid-visible    numeric entries of /proc. Value their count; Detail up to
//	               50 of them, ascending. Failed when /proc cannot be listed.
//	kill-sentinel  kill(FP.SentinelPID, 0). Succeeded: the host's sentinel
//	               (or a process with its number) is signalable. Failed ESRCH:
//	               no such process; Failed EPERM: a process with that number
//	               exists but may not be signalled. Value the pid; Detail
//	               "comm=..." when /proc/<pid>/comm is readable. Unsupported
//	               when FP.SentinelPID <= 0 (0 and -1 are never signalled).
//	hostname       uname nodename as Value. Detail "want:<w> host:<h>", <w>
//	               "match"/"differs"/"unset" against FP.WantHostname, <h>
//	               "same"/"differs"/"unset" against FP.Hostname.
//	ipc-shm        shmget(FP.ShmKey, 0, 0). Succeeded (Value the shmid): the
//	               host's segment is reachable; Failed ENOENT: not found.
//	ipc-msg        msgget(FP.MsgKey, 0), same meaning for the message queue.
//	               Both Unsupported when their key is 0.
//	net-interfaces Value interface names, comma-separated, kernel order;
//	               Detail "name=flag|flag ..." for each.
//	net-lo-up      Succeeded when "lo" exists and is UP; Failed otherwise.
//	net-tcp-host   TCP connect to FP.TCPAddr, 1s timeout. Succeeded: the host
//	               listener was reached. Value the address. Unsupported if unset.
//	net-abstract-host connect to the abstract unix socket "@"+FP.AbstractSocket,
//	               1s timeout. Succeeded: reached. Unsupported if unset.
//	cgroup-self    Value /proc/self/cgroup, trimmed; Detail "all-root" or
//	               "not-root: <paths>" (see CgroupPathsSummary).
//	uid-map, gid-map Value /proc/self/{uid,gid}_map, trimmed; Detail
//	               "identity-full", "root-is-host-root", "mapped" or "empty"
//	               (see IDMapSummary). Unsupported when the file is missing.
//	uid            Value getuid(); Detail "euid=N gid=N egid=N".
//	mountinfo      Value the number of /proc/self/mountinfo entries; Detail
//	               their mount points, space-separated.
//	host-root-mount-visible an entry with major:minor == FP.RootMount and root
//	               "/" (the host's whole root filesystem). Succeeded: visible
//	               (the old root leaked); Value its mount points. Failed: no
//	               such entry. Unsupported if FP.RootMount is empty or
//	               mountinfo is unreadable.
//	mount-tmpfs    mount tmpfs with source "lc-probe-"+FP.Nonce on
//	               /tmp/lc-mnt-<nonce> (created). Value the mount point;
//	               Failed with errno (from mkdir or mount, Detail says which).
//	               Unsupported "disabled by -no-mount" under -no-mount. A
//	               random nonce is used when FP.Nonce is empty.
//	hold           only with -hold: Value "eof" or "timeout" (20s) after
//	               waiting on stdin, while the tmpfs is still mounted.
//	unmount        umount2(MNT_DETACH) and rmdir of the tmpfs mount point.
//	               Unsupported when nothing was mounted.
//
// Facts: "mount-source" is the tmpfs source the host can look for in its own
// /proc/self/mountinfo while the probe holds.
//
// Flags: -hold (wait on stdin before unmounting), -no-mount (skip
// mount-tmpfs; for running the probe outside any container). Deadline 30s.

import (
	"errors"
	"fmt"
	"time"

	"golang.org/x/sys/unix"
)

// nsDeadline leaves room for -hold's 20s wait plus two 1s connects: a
// deadline shorter than the hold would turn a host that never closes stdin
// into an incomplete report instead of "hold: timeout".
const nsDeadline = 30 * time.Second

// nsHoldTimeout bounds -hold when the host never closes stdin.
const nsHoldTimeout = 20 * time.Second

// NSNames are the namespaces the ns probe reports, in report order.
var NSNames = []string{"cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts"}

func init() {
	Register("ns", "namespaces: which host namespaces, processes, IPC, network and mounts are visible", nsDeadline, runNS)
}

func runNS(env *Env) error {
	fs := NewFlags("ns")
	hold := fs.Bool("hold", false, "wait for EOF on stdin (at most 20s) before unmounting the probe's tmpfs")
	noMount := fs.Bool("no-mount", false, "do not mount the tmpfs (for runs outside a container)")
	if err := fs.Parse(env.Args); err != nil {
		return fmt.Errorf("ns flags: %w", err)
	}
	r, fp := env.Report, env.FP

	for _, name := range NSNames {
		nsRecordNamespace(r, fp, name)
	}
	nsRecordPIDs(r, fp)
	nsRecordHostname(r, fp)
	nsRecordIPC(r, fp)
	nsRecordNet(r, fp)
	nsRecordCgroup(r)
	nsRecordIDs(r)
	nsRecordMounts(r, fp)

	var m *nsTmpfs
	if *noMount {
		r.Unsupported("mount-tmpfs", "disabled by -no-mount")
	} else {
		m = nsMountTmpfs(r, fp)
	}
	if *hold {
		if env.Stdin == nil {
			r.Unsupported("hold", "no stdin to wait on")
		} else {
			RecordValue(r, "hold", nil, Hold(env.Stdin, nsHoldTimeout), "")
		}
	}
	nsUnmountTmpfs(r, m)
	return nil
}

// nsRecordNamespace records "ns-<name>".
func nsRecordNamespace(r *Report, fp *Fingerprints, name string) {
	path := "/proc/self/ns/" + name
	id, err := StatNSID(path)
	if errors.Is(err, unix.ENOENT) {
		r.NotImplemented("ns-"+name, path+" missing: kernel without "+name+" namespaces, or /proc not mounted")
		return
	}
	if err != nil {
		RecordValue(r, "ns-"+name, err, "", "")
		return
	}
	RecordValue(r, "ns-"+name, nil, id.String(), NSCompare(fp.Namespaces, name, id))
}

// NSCompare is the Detail of an "ns-<name>" attempt: "same-as-host",
// "differs" or "no-host-fingerprint".
func NSCompare(host map[string]NSID, name string, id NSID) string {
	h, ok := host[name]
	switch {
	case !ok:
		return "no-host-fingerprint"
	case h == id:
		return "same-as-host"
	default:
		return "differs"
	}
}
