package probes

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
)

func TestDigestMatches(t *testing.T) {
	sum := sha256.Sum256([]byte("canary"))
	want := hex.EncodeToString(sum[:])
	tests := []struct {
		name    string
		content string
		want    string
		match   bool
	}{
		{"same", "canary", want, true},
		{"upper-case hex", "canary", strings.ToUpper(want), true},
		{"trailing newline in want", "canary", want + "\n", true},
		{"other content", "canary\n", want, false},
		{"empty want never matches", "", "", false},
		{"empty content", "", want, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := digestMatches([]byte(tc.content), tc.want); got != tc.match {
				t.Errorf("digestMatches = %t, want %t", got, tc.match)
			}
		})
	}
}

func TestIsHostRoot(t *testing.T) {
	fp := &Fingerprints{RootDev: 65024, RootIno: 2}
	tests := []struct {
		name     string
		fp       *Fingerprints
		dev, ino uint64
		want     bool
	}{
		{"same", fp, 65024, 2, true},
		{"same inode other device", fp, 64, 2, false},
		{"same device other inode", fp, 65024, 3, false},
		{"no fingerprint", &Fingerprints{}, 0, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := isHostRoot(tc.fp, tc.dev, tc.ino); got != tc.want {
				t.Errorf("isHostRoot = %t, want %t", got, tc.want)
			}
		})
	}
}

func TestCwdUnreachable(t *testing.T) {
	for cwd, want := range map[string]bool{
		"(unreachable)/srv/rootfs": true,
		"(unreachable)/":           true,
		"/":                        false,
		"/tmp/(unreachable)":       false,
		"":                         false,
	} {
		if got := cwdUnreachable(cwd); got != want {
			t.Errorf("cwdUnreachable(%q) = %t, want %t", cwd, got, want)
		}
	}
}

func TestFDOwner(t *testing.T) {
	tests := []struct {
		f    fdInfo
		want string
	}{
		{fdInfo{FD: 3, Link: "/", CloExec: false, Dir: true}, "inherited"},
		{fdInfo{FD: 4, Link: "/sys/fs/cgroup/cpu.max", CloExec: true}, "runtime"},
		{fdInfo{FD: 5, Link: "anon_inode:[eventpoll]", CloExec: true}, "own"},
		// Without FD_CLOEXEC even a cgroup file arrived across exec.
		{fdInfo{FD: 6, Link: "/sys/fs/cgroup/cpu.max", CloExec: false}, "inherited"},
	}
	for _, tc := range tests {
		if got := fdOwner(tc.f); got != tc.want {
			t.Errorf("fdOwner(%+v) = %q, want %q", tc.f, got, tc.want)
		}
	}
	if fdInherited(fdInfo{FD: 1}) {
		t.Error("stdout counted as inherited")
	}
	got := describeFDs([]fdInfo{{FD: 0}, {FD: 3, Link: "/", Dir: true}})
	if got != "3=/ cloexec=false inherited" {
		t.Errorf("describeFDs = %q", got)
	}
	if got := describeFDs(nil); got != "no descriptors 3+" {
		t.Errorf("describeFDs(nil) = %q", got)
	}
}

func TestHostRootMountDecision(t *testing.T) {
	// The decision reuses FindWholeFilesystem: only a mount of the host
	// device with root "/" counts; a bind of the rootfs directory does not.
	text := `27 1 254:0 / / rw,relatime - ext4 /dev/vda rw
30 27 0:5 / /dev rw - devtmpfs udev rw
40 27 254:0 /srv/rootfs /srv/c rw - ext4 /dev/vda rw
`
	mounts, err := ParseMountInfo(text)
	if err != nil {
		t.Fatal(err)
	}
	if got := FindWholeFilesystem(mounts, "254:0"); len(got) != 1 || got[0].MountPoint != "/" {
		t.Errorf("host root visible: got %+v", got)
	}
	inside, err := ParseMountInfo("50 49 254:0 /srv/rootfs / rw - ext4 /dev/vda rw\n")
	if err != nil {
		t.Fatal(err)
	}
	if got := FindWholeFilesystem(inside, "254:0"); len(got) != 0 {
		t.Errorf("bind of rootfs counted as host root: %+v", got)
	}
}
