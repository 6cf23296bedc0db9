package probes

// Probe "endpoints": every IPC object and socket the host set up as a
// fingerprint, tried by name and looked for by identity wherever the
// container's file tree might show it. It connects (and closes at once),
// opens read-only or asks for an id; it never sends, writes or removes.
//
//	sysv-shm, sysv-msg, sysv-sem  shmget/msgget/semget(FP key, 0, 0).
//	                              ENOENT: not in this IPC namespace; an id
//	                              (succeeded) or EACCES/EPERM: the host's.
//	posix-mq       mq_open(FP.MqName, O_RDONLY): ENOENT expected.
//	posix-shm      open /dev/shm/<name of FP.ShmFile>: ENOENT expected;
//	               succeeded when a file is there (Value "match" when it is
//	               the host's by dev:ino).
//	abstract-socket  connect to "@"+FP.AbstractSocket: ECONNREFUSED expected.
//	unix-socket-path connect to FP.UnixSocket at its host path.
//	tcp-loopback   connect to FP.TCPAddr: ECONNREFUSED expected.
//	host-objects-anywhere
//	               a walk of the whole file tree (not into proc, sysfs,
//	               cgroup, devpts or debug filesystems; at most 50000
//	               entries, 16 levels) for any file whose dev:ino is
//	               FP.UnixSocketID or FP.ShmFileID; each socket found is
//	               connected to. Value: the paths found. succeeded = found.
//	               Detail says when the walk stopped at its bound.
//
// An attempt whose fingerprint is absent is unsupported.

import (
	"fmt"
	"path"
	"strings"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

func init() {
	Register("endpoints", "host IPC objects and sockets: by name, and by identity anywhere in the tree", 30*time.Second, runEndpoints)
}

const (
	walkMaxEntries = 50000
	walkMaxDepth   = 16
)

func runEndpoints(env *Env) error {
	fs := NewFlags("endpoints")
	hold := fs.Bool("hold", false, "wait for EOF on stdin before reporting")
	if err := fs.Parse(env.Args); err != nil {
		return fmt.Errorf("endpoints: %w", err)
	}
	r, fp := env.Report, env.FP
	sysvGet(r, "sysv-shm", unix.SYS_SHMGET, fp.ShmKey)
	sysvGet(r, "sysv-msg", unix.SYS_MSGGET, fp.MsgKey)
	sysvGet(r, "sysv-sem", unix.SYS_SEMGET, fp.SemKey)
	posixMq(r, fp.MqName)
	posixShm(r, fp)
	if fp.AbstractSocket == "" {
		r.Unsupported("abstract-socket", "no abstract socket in the fingerprints")
	} else {
		RecordValue(r, "abstract-socket", dialClose("unix", "@"+fp.AbstractSocket), "@"+fp.AbstractSocket, "connect, nothing sent")
	}
	if fp.UnixSocket == "" {
		r.Unsupported("unix-socket-path", "no pathname socket in the fingerprints")
	} else {
		RecordValue(r, "unix-socket-path", dialClose("unix", fp.UnixSocket), fp.UnixSocket, "connect at its host path, nothing sent")
	}
	if fp.TCPAddr == "" {
		r.Unsupported("tcp-loopback", "no TCP listener in the fingerprints")
	} else {
		RecordValue(r, "tcp-loopback", dialClose("tcp", fp.TCPAddr), fp.TCPAddr, "connect, nothing sent")
	}
	hostObjectsAnywhere(r, fp)
	if *hold {
		RecordValue(r, "hold", nil, Hold(env.Stdin, 20*time.Second), "")
	}
	return nil
}

func sysvGet(r *Report, name string, nr uintptr, key int) {
	if key == 0 {
		r.Unsupported(name, "no key in the fingerprints")
		return
	}
	id, _, errno := unix.Syscall(nr, uintptr(key), 0, 0) // size/nsems 0, no flags: look up only
	if errno != 0 {
		RecordValue(r, name, fmt.Errorf("get key %#x: %w", key, errno), fmt.Sprintf("%#x", key), ipcDefence(errno))
		return
	}
	RecordValue(r, name, nil, fmt.Sprintf("%#x", key), fmt.Sprintf("the host's key %#x has id %d here: the host's IPC namespace", key, id))
}

func ipcDefence(e unix.Errno) string {
	switch e {
	case unix.ENOENT:
		return "no such key in this IPC namespace"
	case unix.EACCES, unix.EPERM:
		return "the key exists here (the host's object), only its permissions refuse"
	}
	return "refused: " + unix.ErrnoName(e)
}

func posixMq(r *Report, name string) {
	const an = "posix-mq"
	if name == "" {
		r.Unsupported(an, "no POSIX message queue in the fingerprints")
		return
	}
	p, err := unix.BytePtrFromString(name)
	if err != nil {
		r.Unsupported(an, err.Error())
		return
	}
	fd, _, errno := unix.Syscall6(unix.SYS_MQ_OPEN, uintptr(unsafe.Pointer(p)), uintptr(unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NONBLOCK), 0, 0, 0, 0)
	if errno != 0 {
		RecordValue(r, an, fmt.Errorf("mq_open /%s: %w", name, errno), "/"+name, ipcDefence(errno))
		return
	}
	unix.Close(int(fd))
	RecordValue(r, an, nil, "/"+name, "opened the host's queue (closed unread): the host's IPC namespace")
}

func posixShm(r *Report, fp *Fingerprints) {
	const an = "posix-shm"
	if fp.ShmFile == "" {
		r.Unsupported(an, "no POSIX shared memory file in the fingerprints")
		return
	}
	p := "/dev/shm/" + path.Base(fp.ShmFile)
	var st unix.Stat_t
	if err := unix.Stat(p, &st); err != nil {
		RecordValue(r, an, fmt.Errorf("stat %s: %w", p, err), "", openDefence(err))
		return
	}
	v := "differs"
	if devIno(&st) == fp.ShmFileID {
		v = "match"
	}
	RecordValue(r, an, nil, v, fmt.Sprintf("%s exists here as %s (host's %s)", p, devIno(&st), fp.ShmFileID))
}

// hostObjectsAnywhere walks the tree for the host's socket and shm file by
// identity.
func hostObjectsAnywhere(r *Report, fp *Fingerprints) {
	const an = "host-objects-anywhere"
	want := map[string]string{}
	if fp.UnixSocketID != "" {
		want[fp.UnixSocketID] = "unix socket"
	}
	if fp.ShmFileID != "" {
		want[fp.ShmFileID] = "shm file"
	}
	if len(want) == 0 {
		r.Unsupported(an, "no host object identities in the fingerprints")
		return
	}
	w := &treeWalk{want: want}
	w.walk("/", 0, 0)
	detail := fmt.Sprintf("walked %d entries", w.seen)
	if w.stopped {
		detail += fmt.Sprintf(" (stopped at the bound of %d entries or %d levels)", walkMaxEntries, walkMaxDepth)
	}
	if len(w.found) == 0 {
		RecordValue(r, an, fmt.Errorf("%w: none of the host's objects found", errStayedInside), "", detail)
		return
	}
	var notes []string
	for _, f := range w.found {
		note := f
		if strings.HasSuffix(f, "(unix socket)") {
			p := strings.TrimSuffix(f, " (unix socket)")
			if err := dialClose("unix", p); err == nil {
				note += " connected"
			} else {
				note += " connect: " + errText(err)
			}
		}
		notes = append(notes, note)
	}
	RecordValue(r, an, nil, strings.Join(w.found, "\n"), detail+"; found "+strings.Join(notes, "; "))
}

type treeWalk struct {
	want    map[string]string
	found   []string
	seen    int
	stopped bool
}

// skipFS are the filesystems the walk does not enter: the kernel's own
// views, where no host file lives and where a walk would not end.
var skipFS = map[int64]bool{
	unix.PROC_SUPER_MAGIC: true, unix.SYSFS_MAGIC: true, unix.CGROUP_SUPER_MAGIC: true, unix.CGROUP2_SUPER_MAGIC: true,
	unix.DEVPTS_SUPER_MAGIC: true, unix.DEBUGFS_MAGIC: true, unix.TRACEFS_MAGIC: true, unix.SECURITYFS_MAGIC: true,
}

func (w *treeWalk) walk(dir string, dev uint64, depth int) {
	if depth > walkMaxDepth {
		w.stopped = true
		return
	}
	names, err := ListDirRaw(dir)
	if err != nil {
		return
	}
	for _, n := range names {
		if w.seen >= walkMaxEntries {
			w.stopped = true
			return
		}
		w.seen++
		p := path.Join(dir, n)
		var st unix.Stat_t
		if unix.Lstat(p, &st) != nil {
			continue
		}
		if name, ok := w.want[devIno(&st)]; ok {
			w.found = append(w.found, p+" ("+name+")")
		}
		if st.Mode&unix.S_IFMT != unix.S_IFDIR {
			continue
		}
		if uint64(st.Dev) != dev {
			var sfs unix.Statfs_t
			if unix.Statfs(p, &sfs) == nil && skipFS[int64(sfs.Type)] {
				continue
			}
		}
		w.walk(p, uint64(st.Dev), depth+1)
	}
}
