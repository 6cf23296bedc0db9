package probes_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/little-container/little-container/probes"
)

// These tests run the built probe on the host itself, outside any container:
// the probe-level negative control. Sharing everything with the host, it must
// report every namespace "same-as-host" and reach every host object.

func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root: runs the probe against host fingerprints and SysV objects")
	}
}

func randomHex(t *testing.T, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// hostFingerprints records this test process's view of the host, creating a
// sentinel process, SysV objects and listeners that are removed at cleanup.
func hostFingerprints(t *testing.T) *probes.Fingerprints {
	t.Helper()
	fp := &probes.Fingerprints{Namespaces: map[string]probes.NSID{}, Nonce: randomHex(t, 8)}
	for _, n := range probes.NSNames {
		id, err := probes.StatNSID("/proc/self/ns/" + n)
		if errors.Is(err, unix.ENOENT) {
			continue // kernel without this namespace
		}
		if err != nil {
			t.Fatal(err)
		}
		fp.Namespaces[n] = id
	}

	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		t.Fatal(err)
	}
	fp.Hostname = unix.ByteSliceToString(u.Nodename[:])
	fp.WantHostname = fp.Hostname

	sentinel := exec.Command("sleep", "60")
	if err := sentinel.Start(); err != nil {
		t.Skipf("cannot start sentinel sleep: %v", err)
	}
	t.Cleanup(func() { sentinel.Process.Kill(); sentinel.Wait() })
	fp.SentinelPID = sentinel.Process.Pid

	fp.ShmKey, fp.MsgKey = createSysV(t)

	tcp, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tcp.Close() })
	go acceptAndClose(tcp)
	fp.TCPAddr = tcp.Addr().String()

	fp.AbstractSocket = "lc-probe-test-" + fp.Nonce
	abs, err := net.Listen("unix", "@"+fp.AbstractSocket)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { abs.Close() })
	go acceptAndClose(abs)

	mounts := ownMounts(t)
	for _, m := range mounts { // the last "/" entry is the one in effect
		if m.MountPoint == "/" {
			fp.RootMount = m.MajorMinor()
		}
	}
	return fp
}

func ownMounts(t *testing.T) []probes.MountInfo {
	t.Helper()
	b, err := probes.ReadFileRaw("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	m, err := probes.ParseMountInfo(string(b))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// createSysV creates a shm segment and a message queue under fresh keys,
// removed at cleanup.
func createSysV(t *testing.T) (shmKey, msgKey int) {
	t.Helper()
	const excl = unix.IPC_CREAT | unix.IPC_EXCL | 0o600
	for try := 0; ; try++ {
		key := int(0x4c430000 | (uint32(os.Getpid()+try*7919) & 0xffff))
		id, err := unix.SysvShmGet(key, 4096, excl)
		if errors.Is(err, unix.EEXIST) && try < 100 {
			continue
		}
		if err != nil {
			t.Skipf("shmget: %v", err)
		}
		t.Cleanup(func() { unix.SysvShmCtl(id, unix.IPC_RMID, nil) })
		shmKey = key
		break
	}
	for try := 0; ; try++ {
		key := int(0x4c440000 | (uint32(os.Getpid()+try*7919) & 0xffff))
		id, err := probes.Msgget(key, excl)
		if errors.Is(err, unix.EEXIST) && try < 100 {
			continue
		}
		if err != nil {
			t.Skipf("msgget: %v", err)
		}
		t.Cleanup(func() { unix.Syscall(unix.SYS_MSGCTL, uintptr(id), unix.IPC_RMID, 0) })
		return shmKey, key
	}
}

func acceptAndClose(l net.Listener) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		c.Close()
	}
}

func runNSProbe(t *testing.T, bin string, stdin io.Reader, fp *probes.Fingerprints, args ...string) *probes.Report {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	argv := append([]string{"ns", "--fp", fp.Encode()}, args...)
	cmd := exec.CommandContext(ctx, bin, argv...)
	var out, errb bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("probe %v: %v\nstderr: %s\nstdout: %s", argv, err, errb.String(), out.String())
	}
	r, err := probes.Decode(out.Bytes())
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	return r
}

// want asserts an attempt's outcome, and its value and detail when given
// (detail "" means any; a leading "~" means "contains").
func want(t *testing.T, r *probes.Report, name string, outcome probes.Outcome, value, detail string) probes.Attempt {
	t.Helper()
	a, ok := r.Attempt(name)
	if !ok {
		t.Errorf("no attempt %q", name)
		return a
	}
	if a.Outcome != outcome {
		t.Errorf("%s: outcome %s, want %s (%+v)", name, a.Outcome, outcome, a)
	}
	if value != "" && a.Value != value {
		t.Errorf("%s: value %q, want %q", name, a.Value, value)
	}
	switch {
	case strings.HasPrefix(detail, "~"):
		if !strings.Contains(a.Detail, detail[1:]) {
			t.Errorf("%s: detail %q does not contain %q", name, a.Detail, detail[1:])
		}
	case detail != "" && a.Detail != detail:
		t.Errorf("%s: detail %q, want %q", name, a.Detail, detail)
	}
	return a
}

func TestNSProbeOnHostSeesEverything(t *testing.T) {
	requireRoot(t)
	bin := buildProbe(t)
	fp := hostFingerprints(t)
	r := runNSProbe(t, bin, nil, fp, "-no-mount", "-hold") // nil stdin is /dev/null: hold ends at once

	if len(fp.Namespaces) == 0 {
		t.Fatal("no namespaces fingerprinted")
	}
	for _, n := range probes.NSNames {
		id, ok := fp.Namespaces[n]
		if !ok {
			want(t, r, "ns-"+n, probes.Unsupported, "", "")
			continue
		}
		want(t, r, "ns-"+n, probes.Succeeded, id.String(), "same-as-host")
	}
	want(t, r, "kill-sentinel", probes.Succeeded, strconv.Itoa(fp.SentinelPID), "~comm=sleep")
	if a := want(t, r, "pid-visible", probes.Succeeded, "", ""); a.Value == "" || a.Value == "1" {
		t.Errorf("pid-visible on the host sees %q processes", a.Value)
	}
	want(t, r, "pid-self", probes.Succeeded, "", "")
	want(t, r, "hostname", probes.Succeeded, fp.Hostname, "want:match host:same")
	want(t, r, "ipc-shm", probes.Succeeded, "", "")
	want(t, r, "ipc-msg", probes.Succeeded, "", "")
	want(t, r, "net-tcp-host", probes.Succeeded, fp.TCPAddr, "")
	want(t, r, "net-abstract-host", probes.Succeeded, "@"+fp.AbstractSocket, "")
	want(t, r, "net-interfaces", probes.Succeeded, "", "~lo=up")
	want(t, r, "net-lo-up", probes.Succeeded, "lo", "")

	ownCgroup, err := probes.ReadTrimmed("/proc/self/cgroup")
	if err != nil {
		t.Fatal(err)
	}
	want(t, r, "cgroup-self", probes.Succeeded, ownCgroup, "")
	ownUIDMap, err := probes.ReadTrimmed("/proc/self/uid_map")
	if err != nil {
		t.Fatal(err)
	}
	want(t, r, "uid-map", probes.Succeeded, ownUIDMap, "")
	want(t, r, "gid-map", probes.Succeeded, "", "")
	want(t, r, "uid", probes.Succeeded, "0", "~euid=0")
	want(t, r, "mountinfo", probes.Succeeded, "", "")

	if hits := probes.FindWholeFilesystem(ownMounts(t), fp.RootMount); len(hits) > 0 {
		want(t, r, "host-root-mount-visible", probes.Succeeded, "", "")
	} else {
		t.Logf("host / (%s) is not a whole-filesystem mount here; not asserting host-root-mount-visible", fp.RootMount)
	}
	want(t, r, "mount-tmpfs", probes.Unsupported, "", "disabled by -no-mount")
	want(t, r, "hold", probes.Succeeded, "eof", "")
	want(t, r, "unmount", probes.Unsupported, "", "")
	if t.Failed() {
		t.Logf("report: %+v", r.Attempts)
	}
}

func TestNSProbeWithoutFingerprints(t *testing.T) {
	bin := buildProbe(t)
	r := runNSProbe(t, bin, nil, &probes.Fingerprints{}, "-no-mount")
	for _, n := range probes.NSNames {
		if _, err := os.Stat("/proc/self/ns/" + n); err == nil {
			want(t, r, "ns-"+n, probes.Succeeded, "", "no-host-fingerprint")
		}
	}
	for _, name := range []string{"kill-sentinel", "ipc-shm", "ipc-msg", "net-tcp-host",
		"net-abstract-host", "host-root-mount-visible", "mount-tmpfs", "unmount"} {
		want(t, r, name, probes.Unsupported, "", "")
	}
	if _, ok := r.Attempt("hold"); ok {
		t.Error("hold recorded without -hold")
	}
}

func TestNSProbeRejectsBadFlag(t *testing.T) {
	bin := buildProbe(t)
	var out bytes.Buffer
	cmd := exec.Command(bin, "ns", "-no-such-flag")
	cmd.Stdout = &out
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != probes.ExitFailed {
		t.Fatalf("exit %v, want %d", err, probes.ExitFailed)
	}
	if _, err := probes.Decode(out.Bytes()); !errors.Is(err, probes.ErrIncomplete) {
		t.Fatalf("Decode err = %v, want ErrIncomplete", err)
	}
}

// TestNSProbeMountStaysInItsNamespace runs the probe in a private mount
// namespace (unshare -m) with -hold: while it holds, its tmpfs must be in its
// own mountinfo and absent from ours; afterwards it must be gone and the
// mount point removed.
func TestNSProbeMountStaysInItsNamespace(t *testing.T) {
	requireRoot(t)
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		t.Skip("needs unshare(1) from util-linux")
	}
	bin := buildProbe(t)
	fp := &probes.Fingerprints{Nonce: "t" + randomHex(t, 8), Namespaces: map[string]probes.NSID{}}
	for _, n := range []string{"mnt", "pid"} {
		id, err := probes.StatNSID("/proc/self/ns/" + n)
		if err != nil {
			t.Fatal(err)
		}
		fp.Namespaces[n] = id
	}
	dir := "/tmp/lc-mnt-" + fp.Nonce
	source := "lc-probe-" + fp.Nonce
	t.Cleanup(func() { os.Remove(dir) }) // only if the probe failed to

	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, unshare, "--mount", "--propagation", "private",
		bin, "ns", "--fp", fp.Encode(), "-hold")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waited := false
	defer func() {
		if !waited {
			stdin.Close()
			cmd.Process.Kill()
			cmd.Wait()
		}
	}()

	// unshare execs the probe in place, so cmd's pid is the probe's.
	probeMounts := filepath.Join("/proc", strconv.Itoa(cmd.Process.Pid), "mountinfo")
	deadline := time.Now().Add(10 * time.Second)
	for {
		b, err := probes.ReadFileRaw(probeMounts)
		if err == nil && bytes.Contains(b, []byte(source)) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("probe's tmpfs never appeared in %s (err %v)\nstderr: %s", probeMounts, err, errb.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, m := range ownMounts(t) {
		if m.Source == source || m.MountPoint == dir {
			t.Errorf("probe's tmpfs leaked into the host mount namespace: %+v", m)
		}
	}

	stdin.Close()
	err = cmd.Wait()
	waited = true
	if err != nil {
		t.Fatalf("probe: %v\nstderr: %s", err, errb.String())
	}
	r, err := probes.Decode(out.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	want(t, r, "mount-tmpfs", probes.Succeeded, dir, "source="+source)
	want(t, r, "hold", probes.Succeeded, "eof", "")
	want(t, r, "unmount", probes.Succeeded, dir, "")
	want(t, r, "ns-mnt", probes.Succeeded, "", "differs") // a real new namespace is told apart
	want(t, r, "ns-pid", probes.Succeeded, "", "same-as-host")
	if _, err := os.Lstat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("mount point %s left behind: %v", dir, err)
	}
	if t.Failed() {
		t.Logf("report: %+v", r.Attempts)
	}
}
