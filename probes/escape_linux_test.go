package probes

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// escapeHostFP fingerprints this host the way the suite does: its own "/"
// (dev, ino) and root mount, and a fresh canary in a temp dir.
func escapeHostFP(t *testing.T) *Fingerprints {
	t.Helper()
	var st unix.Stat_t
	if err := unix.Stat("/", &st); err != nil {
		t.Fatal(err)
	}
	canary := filepath.Join(t.TempDir(), "canary")
	content := []byte(fmt.Sprintf("canary %d", os.Getpid()))
	if err := os.WriteFile(canary, content, 0o600); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(content)
	return &Fingerprints{
		RootDev:      uint64(st.Dev),
		RootIno:      uint64(st.Ino),
		RootMount:    fmt.Sprintf("%d:%d", unix.Major(uint64(st.Dev)), unix.Minor(uint64(st.Dev))),
		CanaryPath:   canary,
		CanarySHA256: hex.EncodeToString(sum[:]),
		Nonce:        fmt.Sprint(os.Getpid()),
	}
}

// TestEscapeOnHostReachesHost is the probe-level negative control: run on
// the host without any container, every technique must see the host.
func TestEscapeOnHostReachesHost(t *testing.T) {
	reexecRequireRoot(t)
	bin := reexecBuildProbe(t)
	fp := escapeHostFP(t)

	// Leak a directory descriptor, as a careless runtime would.
	root, err := os.Open("/")
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	cmd := exec.Command(bin, "escape", "--fp", fp.Encode())
	cmd.Dir = "/"
	cmd.ExtraFiles = []*os.File{root}
	rep := reexecRunProbe(t, cmd)

	for _, name := range []string{escRootDotdot, escChrootClimb, escFDLeak, escCwdOutside, escProcRoot, escCanary} {
		if a := reexecAttempt(t, rep, name); a.Outcome != Succeeded {
			t.Errorf("%s on the host: %s %s %s, want succeeded", name, a.Outcome, a.Errno, a.Detail)
		}
	}
	if a := reexecAttempt(t, rep, escCanary); a.Value != "match" {
		t.Errorf("canary-direct value %q, want match", a.Value)
	}
	if a := reexecAttempt(t, rep, escFDLeak); a.Value == "0" {
		t.Errorf("fd-leak counted no inherited descriptor: %s", a.Detail)
	}
	// The host root mount is visible whenever "/" is a whole filesystem.
	if a := reexecAttempt(t, rep, escMountSeen); a.Outcome != Succeeded {
		t.Logf("host-root-mount-visible: %s %s (root may be a bind mount here)", a.Outcome, a.Detail)
	}
}

// TestEscapeWithoutFingerprints: nothing to compare with is unsupported,
// never a pass or a failure.
func TestEscapeWithoutFingerprints(t *testing.T) {
	reexecRequireRoot(t)
	bin := reexecBuildProbe(t)
	rep := reexecRunProbe(t, exec.Command(bin, "escape"))
	for _, a := range rep.Attempts {
		if a.Outcome != Unsupported {
			t.Errorf("%s without fingerprints: %s, want unsupported", a.Name, a.Outcome)
		}
	}
	if len(rep.Attempts) != 7 {
		t.Errorf("got %d attempts, want 7", len(rep.Attempts))
	}
}

// TestEscapeInChrootAsNobodyStaysInside is the positive side: in a chroot
// without /proc, run as an unprivileged user (no CAP_SYS_CHROOT), no
// technique reaches the host and the climb is refused with EPERM.
func TestEscapeInChrootAsNobodyStaysInside(t *testing.T) {
	reexecRequireRoot(t)
	bin := reexecBuildProbe(t)
	fp := escapeHostFP(t)
	rootfs := filepath.Join(t.TempDir(), "rootfs")
	if err := os.MkdirAll(filepath.Join(rootfs, "tmp"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(rootfs, "tmp"), 0o1777); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(rootfs, "probe"), data, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("/probe", "escape", "--fp", fp.Encode())
	cmd.Dir = "/"
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Chroot:     rootfs,
		Credential: &syscall.Credential{Uid: 65534, Gid: 65534},
	}
	rep := reexecRunProbe(t, cmd)

	want := map[string]struct {
		outcome Outcome
		errno   string
	}{
		escRootDotdot:  {Failed, ""},
		escChrootClimb: {Failed, "EPERM"},
		escFDLeak:      {Failed, ""},
		escCwdOutside:  {Failed, ""},
		escProcRoot:    {Unsupported, ""}, // no /proc in this rootfs
		escCanary:      {Failed, "ENOENT"},
		escMountSeen:   {Unsupported, ""},
	}
	for name, w := range want {
		a := reexecAttempt(t, rep, name)
		if a.Outcome != w.outcome || a.Errno != w.errno {
			t.Errorf("%s in a chroot as nobody: %s %s (%s), want %s %s", name, a.Outcome, a.Errno, a.Detail, w.outcome, w.errno)
		}
	}
	for _, name := range []string{escRootDotdot, escCwdOutside} {
		if a := reexecAttempt(t, rep, name); !strings.HasPrefix(a.Detail, "stayed inside") {
			t.Errorf("%s detail %q, want it to start with \"stayed inside\"", name, a.Detail)
		}
	}
}
