package probes

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"golang.org/x/sys/unix"
)

func TestHandleRoundTrip(t *testing.T) {
	tests := []struct {
		typ int32
		b   []byte
		enc string
	}{
		{1, []byte{0x0c, 0x00, 0x01, 0xff}, "1:0c0001ff"},
		{0x81, bytes.Repeat([]byte{0xab}, 8), "129:abababababababab"},
		{-2, []byte{1}, "-2:01"},
	}
	for _, tt := range tests {
		if got := EncodeHandle(tt.typ, tt.b); got != tt.enc {
			t.Errorf("EncodeHandle(%d, %x) = %q, want %q", tt.typ, tt.b, got, tt.enc)
		}
		typ, b, err := DecodeHandle(tt.enc)
		if err != nil || typ != tt.typ || !bytes.Equal(b, tt.b) {
			t.Errorf("DecodeHandle(%q) = %d, %x, %v", tt.enc, typ, b, err)
		}
	}
	for _, bad := range []string{"", "1", "x:00", "1:0", "1:zz", "1:", "99999999999:00", "1:" + fmt.Sprintf("%0258x", 0)} {
		if _, _, err := DecodeHandle(bad); err == nil {
			t.Errorf("DecodeHandle(%q) accepted", bad)
		}
	}
}

func TestParseDevIno(t *testing.T) {
	dev, ino, err := ParseDevIno(" 2049:131074 ")
	if err != nil || dev != 2049 || ino != 131074 {
		t.Errorf("ParseDevIno = %d, %d, %v", dev, ino, err)
	}
	for _, bad := range []string{"", "1", "a:1", "1:b", "-1:2", "1:2:3"} {
		if _, _, err := ParseDevIno(bad); err == nil {
			t.Errorf("ParseDevIno(%q) accepted", bad)
		}
	}
}

func TestKallsymsAddresses(t *testing.T) {
	tests := []struct {
		name           string
		text           string
		lines, nonZero int
	}{
		{"empty (masked)", "", 0, 0},
		{"restricted", "0000000000000000 A fixed_percpu_data\n0000000000000000 T _text\n0000000000000000 t foo\t[mod]\n", 3, 0},
		{"visible", "0000000000000000 A fixed_percpu_data\nffffffff81000000 T _text\nffffffff81000010 T startup_64\n", 3, 2},
		{"junk lines ignored", "hello\nzzzz T x\n\nffffffff81000000 T _text\n", 1, 1},
	}
	for _, tt := range tests {
		l, n := KallsymsAddresses(tt.text)
		if l != tt.lines || n != tt.nonZero {
			t.Errorf("%s: KallsymsAddresses = %d, %d; want %d, %d", tt.name, l, n, tt.lines, tt.nonZero)
		}
	}
}

func TestReadOutcome(t *testing.T) {
	if err := readOutcome(16, nil); err != nil {
		t.Errorf("16 bytes: %v, want readable", err)
	}
	if err := readOutcome(0, nil); !errors.Is(err, errReadEmpty) {
		t.Errorf("0 bytes: %v, want errReadEmpty (masked counts as blocked)", err)
	}
	if err := readOutcome(0, unix.EACCES); !errors.Is(err, unix.EACCES) {
		t.Errorf("error kept: %v", err)
	}
}

func TestOpenDefence(t *testing.T) {
	for err, want := range map[error]string{
		nil:                                  "nothing stopped it",
		fmt.Errorf("open x: %w", unix.EROFS): "read-only mount",
		unix.ENOENT:                          "not present (masked or absent)",
		unix.EBUSY:                           "refused: EBUSY",
	} {
		if got := openDefence(err); got != want {
			t.Errorf("openDefence(%v) = %q, want %q", err, got, want)
		}
	}
}

func TestNSLinkType(t *testing.T) {
	for link, want := range map[string]string{
		"net:[4026531840]": "net", "mnt:[4026531841]": "mnt", "pid_for_children:[1]": "pid_for_children",
		"user:[4026531837]": "user", "pipe:[1234]": "", "socket:[99]": "", "/proc/1/ns/net": "",
		"anon_inode:[eventpoll]": "", "net:[1": "",
	} {
		if got := nsLinkType(link); got != want {
			t.Errorf("nsLinkType(%q) = %q, want %q", link, got, want)
		}
	}
}

func TestCgroupCandidates(t *testing.T) {
	hybrid := []CgroupEntry{
		{Hierarchy: 9, Controllers: []string{"name=systemd"}, Path: "/"},
		{Hierarchy: 8, Controllers: []string{"pids"}, Path: "/lc/c1"},
		{Hierarchy: 4, Controllers: []string{"memory"}, Path: "/lc/c1"},
		{Hierarchy: 2, Controllers: []string{"cpu", "cpuacct"}, Path: "/lc/c1"},
		{Hierarchy: 0, Path: "/lc/c1"},
	}
	hostMounts := []MountInfo{
		{FSType: "cgroup", Root: "/", MountPoint: "/sys/fs/cgroup/memory", SuperOptions: "rw,memory"},
		{FSType: "cgroup", Root: "/", MountPoint: "/sys/fs/cgroup/cpu,cpuacct", SuperOptions: "rw,cpu,cpuacct"},
		{FSType: "cgroup", Root: "/", MountPoint: "/sys/fs/cgroup/pids", SuperOptions: "rw,pids"},
		{FSType: "cgroup2", Root: "/", MountPoint: "/sys/fs/cgroup/unified", SuperOptions: "rw"},
		{FSType: "tmpfs", Root: "/", MountPoint: "/tmp"},
	}
	tests := []struct {
		name    string
		entries []CgroupEntry
		mounts  []MountInfo
		want    []cgroupLoc
	}{
		{"hybrid, whole hierarchies visible: pids first, v2 last", hybrid, hostMounts, []cgroupLoc{
			{Dir: "/sys/fs/cgroup/pids/lc/c1", Parent: "/sys/fs/cgroup/pids/lc", Kind: "v1 pids"},
			{Dir: "/sys/fs/cgroup/memory/lc/c1", Parent: "/sys/fs/cgroup/memory/lc", Kind: "v1 memory"},
			{Dir: "/sys/fs/cgroup/cpu,cpuacct/lc/c1", Parent: "/sys/fs/cgroup/cpu,cpuacct/lc", Kind: "v1 cpu,cpuacct"},
			{Dir: "/sys/fs/cgroup/unified/lc/c1", Parent: "/sys/fs/cgroup/unified/lc", Kind: "v2"},
		}},
		{"v2 with a cgroup namespace: parent hidden",
			[]CgroupEntry{{Hierarchy: 0, Path: "/"}},
			[]MountInfo{{FSType: "cgroup2", Root: "/", MountPoint: "/sys/fs/cgroup"}},
			[]cgroupLoc{{Dir: "/sys/fs/cgroup", Kind: "v2"}}},
		{"v1 bind of the own directory: parent hidden",
			[]CgroupEntry{{Hierarchy: 3, Controllers: []string{"pids"}, Path: "/docker/abc"}},
			[]MountInfo{{FSType: "cgroup", Root: "/docker/abc", MountPoint: "/sys/fs/cgroup/pids", SuperOptions: "ro,pids"}},
			[]cgroupLoc{{Dir: "/sys/fs/cgroup/pids", Kind: "v1 pids"}}},
		{"own path outside the mounted part: not visible",
			[]CgroupEntry{{Hierarchy: 3, Controllers: []string{"pids"}, Path: "/other"}},
			[]MountInfo{{FSType: "cgroup", Root: "/docker/abc", MountPoint: "/sys/fs/cgroup/pids", SuperOptions: "pids"}},
			nil},
		{"prefix is not a parent directory",
			[]CgroupEntry{{Hierarchy: 0, Path: "/docker/abcdef"}},
			[]MountInfo{{FSType: "cgroup2", Root: "/docker/abc", MountPoint: "/sys/fs/cgroup"}},
			nil},
		{"no cgroup mounts", hybrid, []MountInfo{{FSType: "tmpfs", Root: "/", MountPoint: "/sys/fs/cgroup"}}, nil},
	}
	for _, tt := range tests {
		if got := cgroupCandidates(tt.entries, tt.mounts); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tt.name, got, tt.want)
		}
	}
}
