package runtime

import (
	"errors"
	"os"
	"path/filepath"
	goruntime "runtime"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func TestStateLockIsLiveness(t *testing.T) {
	root := filepath.Join(t.TempDir(), "state")
	h, err := claimState(root, State{ID: "a", Command: []string{"sh"}, Created: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	st, err := LookupState(root, "a")
	if err != nil || !st.Running || st.Owner != os.Getpid() {
		t.Fatalf("LookupState of a held claim: %+v, %v", st, err)
	}
	// While held: collectors refuse, a second claim is refused.
	if _, err := DeleteContainer(root, "a"); !errors.Is(err, ErrRunning) {
		t.Errorf("DeleteContainer of a live container: %v", err)
	}
	if done, err := GC(root); err != nil || len(done) != 0 {
		t.Errorf("GC collected a live container: %v %v", done, err)
	}
	if _, err := claimState(root, State{ID: "a"}); err == nil {
		t.Errorf("a second claim of a live id succeeded")
	}
	// The owner dies without cleaning up: its lock goes with it.
	h.lock.Close()
	st, _ = LookupState(root, "a")
	if st.Running {
		t.Errorf("a dropped lock still reads as running")
	}
	done, err := GC(root)
	if err != nil || len(done) != 1 || done[0].ID != "a" {
		t.Errorf("GC of a stale container: %v %v", done, err)
	}
	if _, err := LookupState(root, "a"); !errors.Is(err, ErrNoContainer) {
		t.Errorf("after GC: %v", err)
	}
	// A new claim of a stale id collects it first.
	h, err = claimState(root, State{ID: "b"})
	if err != nil {
		t.Fatal(err)
	}
	h.lock.Close()
	h2, err := claimState(root, State{ID: "b"})
	if err != nil {
		t.Fatalf("claim of a stale id: %v", err)
	}
	if err := h2.release(); err != nil {
		t.Fatal(err)
	}
	if es, _ := os.ReadDir(root); len(es) != 0 {
		t.Errorf("left in the state directory: %v", es)
	}
}

func TestStateRootMustBeTheCallers(t *testing.T) {
	dir := t.TempDir()
	os.Chmod(dir, 0o777)
	if _, err := stateRoot(dir, false); err == nil {
		t.Errorf("a world-writable state directory was accepted")
	}
	link := filepath.Join(t.TempDir(), "link")
	os.Symlink(t.TempDir(), link)
	if _, err := stateRoot(link, false); err == nil {
		t.Errorf("a symlink as state directory was accepted")
	}
}

// A recorded PID 1 whose number now names a thread of another process is
// gone, not an error: pidfd_open answers EINVAL for a pid that is no
// thread group's leader, and collect must go on to the cgroups.
func TestSignalProcessOnAThreadIsGone(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	tid := os.Getpid()
	// Each goroutine keeps its thread locked until the test ends, so the
	// next one runs on another: one of them is not the main thread.
	for i := 0; i < 4 && tid == os.Getpid(); i++ {
		tids := make(chan int)
		go func() {
			goruntime.LockOSThread()
			tids <- unix.Gettid()
			<-release
		}()
		tid = <-tids
	}
	if tid == os.Getpid() {
		t.Skip("no thread but the main one")
	}
	start, err := procStartTime(tid)
	if err != nil {
		t.Fatal(err)
	}
	if err := signalProcess(tid, start, 0); !errors.Is(err, unix.ESRCH) {
		t.Fatalf("signalProcess(thread %d) = %v, want ESRCH", tid, err)
	}
}
