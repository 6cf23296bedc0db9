package runtime

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-multierror"
	"golang.org/x/sys/unix"

	"github.com/little-container/little-container/runtime/cgroups"
)

// The state directory holds one sub-directory per container whose runtime
// runs, named by the container id:
//
//	<state dir>/<id>/lock        flock'ed by the runtime while it lives
//	<state dir>/<id>/state.json  State
//
// A runtime builds its directory under a temporary name (.new-<id>-...),
// takes the lock, writes the state and only then renames it to <id>, so a
// directory named after an id always has its lock taken from the start.
// Whoever finds the lock free may collect the container: kill what is left
// of it, remove its cgroups (cgroups.Reclaim) and the directory. A lock is
// trusted only after checking that the lock file is still the one in the
// directory (same inode): the directory may have been collected and made
// anew by a new run in between.

const (
	stateFile = "state.json"
	lockFile  = "lock"
	// newPrefix marks a directory still being built; gc removes one only
	// when its lock is free and it is older than newGrace.
	newPrefix = ".new-"
	newGrace  = time.Minute
)

// DefaultStateDir is where containers' state lives: /run/little-container
// for root; rootless, $XDG_RUNTIME_DIR/little-container when that is a
// directory of the caller's, else little-container-<uid> in the temporary
// directory.
func DefaultStateDir() string {
	uid := os.Geteuid()
	if uid == 0 {
		return "/run/little-container"
	}
	if x := os.Getenv("XDG_RUNTIME_DIR"); x != "" {
		var st unix.Stat_t
		if unix.Stat(x, &st) == nil && st.Mode&unix.S_IFMT == unix.S_IFDIR && int(st.Uid) == uid && unix.Access(x, unix.W_OK) == nil {
			return filepath.Join(x, "little-container")
		}
	}
	return filepath.Join(os.TempDir(), "little-container-"+strconv.Itoa(uid))
}

// stateRoot returns the state directory, made when create is set. It must
// be a real directory of the caller's that nobody else can write: its
// contents decide what gc kills.
func stateRoot(dir string, create bool) (string, error) {
	if dir == "" {
		dir = DefaultStateDir()
	}
	if create {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return "", fmt.Errorf("state directory: %w", err)
		}
	}
	var st unix.Stat_t
	if err := unix.Lstat(dir, &st); err != nil {
		if errors.Is(err, unix.ENOENT) {
			return dir, nil // nothing recorded yet
		}
		return "", fmt.Errorf("state directory %s: %w", dir, err)
	}
	switch {
	case st.Mode&unix.S_IFMT != unix.S_IFDIR:
		return "", fmt.Errorf("state directory %s: not a directory", dir)
	case int(st.Uid) != os.Geteuid():
		return "", fmt.Errorf("state directory %s: owned by uid %d, not by the caller (uid %d)", dir, st.Uid, os.Geteuid())
	case st.Mode&0o022 != 0:
		return "", fmt.Errorf("state directory %s: writable by others (mode %o)", dir, st.Mode&0o7777)
	}
	return dir, nil
}

// stateHandle is a runtime's claim on its container's state.
type stateHandle struct {
	dir  string
	lock *os.File
	// mu serializes updates: the cgroup paths are recorded from the
	// goroutine that makes the cgroup while the init starts.
	mu sync.Mutex
	st State
}

// claimState records a new container and takes its lock. A directory left
// for the same id by a runtime that is gone is collected first; one whose
// runtime lives is ErrRunning.
func claimState(root string, st State) (_ *stateHandle, err error) {
	root, err = stateRoot(root, true)
	if err != nil {
		return nil, err
	}
	st.Owner = os.Getpid()
	st.OwnerStart, _ = procStartTime(st.Owner)
	tmp := filepath.Join(root, newPrefix+st.ID+"-"+randomSuffix())
	if err := os.Mkdir(tmp, 0o700); err != nil {
		return nil, fmt.Errorf("state: %w", err)
	}
	lock, err := os.OpenFile(filepath.Join(tmp, lockFile), os.O_CREATE|os.O_RDWR|os.O_EXCL, 0o600)
	if err == nil {
		err = unix.Flock(int(lock.Fd()), unix.LOCK_EX|unix.LOCK_NB)
	}
	h := &stateHandle{dir: tmp, lock: lock, st: st}
	if err == nil {
		err = h.write()
	}
	if err != nil {
		h.release()
		return nil, fmt.Errorf("state: %w", err)
	}
	final := filepath.Join(root, st.ID)
	for attempt := 0; ; attempt++ {
		err := os.Rename(tmp, final)
		if err == nil {
			h.dir = final
			return h, nil
		}
		if !errors.Is(err, unix.EEXIST) && !errors.Is(err, unix.ENOTEMPTY) {
			h.release()
			return nil, fmt.Errorf("state: %w", err)
		}
		if attempt == 20 {
			h.release()
			return nil, fmt.Errorf("container %s: its state is busy (being collected); try again", st.ID)
		}
		// The id is taken: by a live runtime (refuse), by a collector
		// busy with it (wait), or by nobody (collect it ourselves).
		old, cerr := collect(root, st.ID)
		switch {
		case errors.Is(cerr, ErrRunning) && !ownerAlive(old):
			time.Sleep(100 * time.Millisecond)
		case errors.Is(cerr, ErrRunning):
			h.release()
			return nil, fmt.Errorf("container %s is already running (runtime pid %d)", st.ID, old.Owner)
		case cerr != nil && !errors.Is(cerr, ErrNoContainer):
			h.release()
			return nil, fmt.Errorf("collect the stale container %s: %w", st.ID, cerr)
		}
	}
}

// update changes the recorded state.
func (h *stateHandle) update(f func(*State)) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	f(&h.st)
	return h.write()
}

// write replaces state.json atomically.
func (h *stateHandle) write() error {
	b, err := json.MarshalIndent(h.st, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(h.dir, stateFile+".tmp")
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(h.dir, stateFile))
}

// release removes the state directory, state file first, then drops the
// lock.
func (h *stateHandle) release() error {
	var errs *multierror.Error
	for _, name := range []string{stateFile, stateFile + ".tmp", lockFile} {
		os.Remove(filepath.Join(h.dir, name))
	}
	if err := os.RemoveAll(h.dir); err != nil {
		errs = multierror.Append(errs, fmt.Errorf("remove state %s: %w", h.dir, err))
	}
	if h.lock != nil {
		h.lock.Close()
	}
	return errs.ErrorOrNil()
}

// lockDir takes the lock of the state directory dir when it is free. held
// reports a lock someone else holds. The lock is checked to belong to the
// file dir holds now.
func lockDir(dir string) (f *os.File, held bool, err error) {
	p := filepath.Join(dir, lockFile)
	f, err = os.OpenFile(p, os.O_RDWR, 0)
	if err != nil {
		return nil, false, err
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, true, nil
		}
		return nil, false, err
	}
	var a, b unix.Stat_t
	if unix.Fstat(int(f.Fd()), &a) != nil || unix.Stat(p, &b) != nil || a.Dev != b.Dev || a.Ino != b.Ino {
		f.Close()
		return nil, false, fmt.Errorf("%s: %w (replaced while being locked)", dir, unix.ENOENT)
	}
	return f, false, nil
}

func readState(dir string) (State, error) {
	var st State
	b, err := os.ReadFile(filepath.Join(dir, stateFile))
	if err != nil {
		return st, err
	}
	if err := json.Unmarshal(b, &st); err != nil {
		return st, fmt.Errorf("%s: %w", filepath.Join(dir, stateFile), err)
	}
	return st, nil
}

// checkedRoot checks a container id given by a user (it becomes a path
// element) and the state directory.
func checkedRoot(root, id string) (string, error) {
	if !validID(id) {
		return "", fmt.Errorf("%w %q: not a container id", ErrNoContainer, id)
	}
	return stateRoot(root, false)
}

// LookupState returns the state of container id.
func LookupState(root, id string) (State, error) {
	root, err := checkedRoot(root, id)
	if err != nil {
		return State{}, err
	}
	dir := filepath.Join(root, id)
	st, err := readState(dir)
	if errors.Is(err, os.ErrNotExist) {
		if _, serr := os.Stat(dir); serr != nil {
			return State{ID: id}, fmt.Errorf("%w %s", ErrNoContainer, id)
		}
	}
	if st.ID == "" {
		st.ID = id
	}
	f, held, lerr := lockDir(dir)
	if lerr == nil {
		f.Close()
	}
	st.Running = held
	return st, err
}

// readStateRoot lists the state directory (nothing when it does not
// exist yet) and returns its checked path.
func readStateRoot(root string) (string, []os.DirEntry, error) {
	root, err := stateRoot(root, false)
	if err != nil {
		return "", nil, err
	}
	entries, err := os.ReadDir(root)
	if errors.Is(err, os.ErrNotExist) {
		return root, nil, nil
	}
	if err != nil {
		return "", nil, fmt.Errorf("state directory: %w", err)
	}
	return root, entries, nil
}

// ListStates returns every recorded container, oldest first.
func ListStates(root string) ([]State, error) {
	root, entries, err := readStateRoot(root)
	if err != nil {
		return nil, err
	}
	var out []State
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		st, err := LookupState(root, e.Name())
		if errors.Is(err, ErrNoContainer) {
			continue // collected meanwhile
		}
		out = append(out, st) // a state file being written shows as what is known
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Created.Before(out[j].Created) })
	return out, nil
}

// collect removes what a dead runtime left of container id: the processes
// it still has (the recorded PID 1 if it is still that process, and
// everything in its cgroups), the cgroups and the state directory. It
// returns ErrRunning, with the recorded state, while the owner holds the
// lock.
func collect(root, id string) (State, error) {
	dir := filepath.Join(root, id)
	f, held, err := lockDir(dir)
	st, _ := readState(dir)
	if held {
		return st, fmt.Errorf("%w: %s", ErrRunning, id)
	}
	if errors.Is(err, os.ErrNotExist) {
		if _, serr := os.Stat(dir); errors.Is(serr, os.ErrNotExist) {
			return st, fmt.Errorf("%w %s", ErrNoContainer, id)
		}
		// No lock file: a directory of an older layout or a torn one.
		err = nil
	}
	if err != nil {
		return st, err
	}
	if f != nil {
		defer f.Close()
	}
	var errs *multierror.Error
	if st.Pid > 0 {
		if err := signalProcess(st.Pid, st.PidStart, unix.SIGKILL); err != nil && !errors.Is(err, unix.ESRCH) {
			errs = multierror.Append(errs, fmt.Errorf("kill %d: %w", st.Pid, err))
		}
	}
	if len(st.Cgroups) > 0 {
		if err := cgroups.Reclaim(st.Cgroups); err != nil {
			errs = multierror.Append(errs, err)
		}
	}
	if errs.ErrorOrNil() == nil {
		if err := os.RemoveAll(dir); err != nil {
			errs = multierror.Append(errs, err)
		}
	}
	return st, errs.ErrorOrNil()
}

// DeleteContainer collects container id after its runtime is gone; a
// running container is ErrRunning.
func DeleteContainer(root, id string) (State, error) {
	root, err := checkedRoot(root, id)
	if err != nil {
		return State{}, err
	}
	return collect(root, id)
}

// GC collects every container whose runtime is gone and returns their
// states. Containers whose runtime lives are never touched.
func GC(root string) ([]State, error) {
	root, entries, err := readStateRoot(root)
	if err != nil {
		return nil, err
	}
	var done []State
	var errs *multierror.Error
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() {
			continue
		}
		if strings.HasPrefix(name, newPrefix) {
			removeTorn(filepath.Join(root, name))
			continue
		}
		if strings.HasPrefix(name, ".") || !validID(name) {
			continue
		}
		st, err := collect(root, name)
		switch {
		case errors.Is(err, ErrRunning), errors.Is(err, ErrNoContainer):
		case err != nil:
			errs = multierror.Append(errs, fmt.Errorf("%s: %w", name, err))
		default:
			if st.ID == "" {
				st.ID = name
			}
			done = append(done, st)
		}
	}
	return done, errs.ErrorOrNil()
}

// removeTorn removes a directory a runtime was killed while building:
// never renamed to its id, so no cgroup was made for it yet.
func removeTorn(dir string) {
	fi, err := os.Stat(dir)
	if err != nil || time.Since(fi.ModTime()) < newGrace {
		return
	}
	f, held, err := lockDir(dir)
	if held {
		return
	}
	if err == nil {
		defer f.Close()
	}
	os.RemoveAll(dir)
}

// KillContainer sends sig to the PID 1 of running container id. A PID 1
// of its own PID namespace gets only the signals it has a handler for
// (and SIGKILL): that is the kernel's rule, not this command's.
func KillContainer(root, id string, sig unix.Signal) (State, error) {
	st, err := LookupState(root, id)
	if err != nil {
		return st, err
	}
	if !st.Running {
		return st, fmt.Errorf("%w: %s (its runtime is gone; 'little-container gc' collects it)", ErrNotRunning, id)
	}
	if st.Pid == 0 {
		return st, fmt.Errorf("%w: %s is still being set up", ErrNotRunning, id)
	}
	if err := signalProcess(st.Pid, st.PidStart, sig); err != nil {
		if errors.Is(err, unix.ESRCH) {
			return st, fmt.Errorf("%w: %s has exited", ErrNotRunning, id)
		}
		return st, fmt.Errorf("kill %d: %w", st.Pid, err)
	}
	return st, nil
}

// signalProcess signals pid only if it is still the process that started
// at start: through a pidfd, opened before the start time is compared, so
// the pid cannot be reused between the check and the signal. ESRCH means
// the process is gone (or the pid belongs to another one now).
func signalProcess(pid int, start uint64, sig unix.Signal) error {
	pidfd, err := unix.PidfdOpen(pid, 0)
	if errors.Is(err, unix.ENOSYS) {
		// Before Linux 5.3: compare, then kill; the window is tiny.
		if s, err := procStartTime(pid); err != nil || s != start {
			return unix.ESRCH
		}
		return unix.Kill(pid, sig)
	}
	if errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOENT) {
		// The pid is no process's leader now: the recorded PID 1 is gone
		// and its number was reused for a thread of another process
		// (measured in the VM, where pids wrap quickly). pidfd_open
		// answers EINVAL for that on 6.1, ENOENT on 6.18.
		return unix.ESRCH
	}
	if err != nil {
		return err
	}
	defer unix.Close(pidfd)
	if s, err := procStartTime(pid); err != nil || s != start {
		return unix.ESRCH
	}
	return unix.PidfdSendSignal(pidfd, sig, nil, 0)
}

// procStartTime reads the start time of pid from /proc.
func procStartTime(pid int) (uint64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return 0, unix.ESRCH
		}
		return 0, err
	}
	return parseStartTime(string(b))
}

// ownerAlive reports whether the runtime recorded in st still runs.
func ownerAlive(st State) bool {
	if st.Owner <= 0 {
		return false
	}
	s, err := procStartTime(st.Owner)
	return err == nil && s == st.OwnerStart
}

func randomSuffix() string {
	b := make([]byte, 4)
	rand.Read(b)
	return hex.EncodeToString(b)
}
