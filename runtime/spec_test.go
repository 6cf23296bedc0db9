package runtime

import (
	"errors"
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	ok := func() Spec { return Spec{Rootfs: "/r", Args: []string{"sh"}} }
	for _, tc := range []struct {
		name string
		mod  func(*Spec)
		want string // substring of the error; "" for valid
	}{
		{"valid", func(*Spec) {}, ""},
		{"no command", func(s *Spec) { s.Args = nil }, "no command"},
		{"long hostname", func(s *Spec) { s.Hostname = strings.Repeat("a", 65) }, "longer than 64"},
		{"bad hostname", func(s *Spec) { s.Hostname = "a b" }, "not a valid host name"},
		{"hostname with shared uts", func(s *Spec) { s.Hostname = "x"; s.Share = []Namespace{NSUTS} }, "sharing the host's uts"},
		{"zero pids ok", func(s *Spec) { s.Resources.PidsMax = 0 }, ""},
		{"negative pids", func(s *Spec) { s.Resources.PidsMax = -1 }, "pids limit"},
		{"negative memory", func(s *Spec) { s.Resources.MemoryMax = -5 }, "memory limit"},
		{"bad id", func(s *Spec) { s.ID = "../x" }, "id"},
		{"rootless shares user", func(s *Spec) { s.Rootless = true; s.Share = []Namespace{NSUser} }, "user namespace"},
		{"share mnt without chroot", func(s *Spec) { s.Share = []Namespace{NSMount} }, "needs --chroot"},
		{"share mnt with chroot", func(s *Spec) { s.Share = []Namespace{NSMount}; s.Chroot = true }, ""},
		{"bad env", func(s *Spec) { s.Env = []string{"NOEQUALS"} }, "KEY=VALUE"},
		{"relative cwd", func(s *Spec) { s.Cwd = "tmp" }, "absolute"},
		{"uid at the limit", func(s *Spec) { s.UID, s.GID = MaxID, MaxID }, ""},
		{"uid above the limit", func(s *Spec) { s.UID = MaxID + 1 }, "from 0 to 2147483647"},
		{"gid above the limit", func(s *Spec) { s.GID = 1 << 32 }, "from 0 to 2147483647"},
		{"negative uid", func(s *Spec) { s.UID = -1 }, "from 0 to"},
		{"map without userns", func(s *Spec) { s.UIDMap = []IDMap{{0, 0, 1}} }, "need a user namespace"},
		{"map with userns", func(s *Spec) { s.UserNS = true; s.UIDMap = []IDMap{{0, 0, 65536}} }, ""},
		{"overlapping map", func(s *Spec) { s.UserNS = true; s.UIDMap = []IDMap{{0, 1000, 10}, {5, 5000, 10}} }, "overlap"},
		{"overlapping host map", func(s *Spec) { s.UserNS = true; s.GIDMap = []IDMap{{0, 1000, 10}, {100, 1005, 10}} }, "host ranges"},
		{"map without root", func(s *Spec) { s.UserNS = true; s.UIDMap = []IDMap{{1, 1000, 10}} }, "0 must be mapped"},
		{"volume", func(s *Spec) { s.Volumes = []Volume{{Host: "/h", Container: "/c"}} }, ""},
		{"volume on proc", func(s *Spec) { s.Volumes = []Volume{{Host: "/h", Container: "/proc/sys"}} }, "runtime's own"},
		{"two mounts on one path", func(s *Spec) { s.Volumes = []Volume{{Host: "/h", Container: "/c"}}; s.Tmpfs = []string{"/c/"} }, "two mounts"},
		{"tmpfs on /", func(s *Spec) { s.Tmpfs = []string{"/"} }, "rootfs itself"},
		{"volume without mount ns", func(s *Spec) { s.Share = []Namespace{NSMount}; s.Chroot = true; s.ReadOnlyRoot = true }, "mount namespace"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := ok()
			tc.mod(&s)
			err := s.Validate()
			if tc.want == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, ErrInvalidSpec) {
				t.Fatalf("got %v, want error containing %q", err, tc.want)
			}
		})
	}
}

func TestParseNamespaces(t *testing.T) {
	got, err := ParseNamespaces("pid, net,mount")
	if err != nil || len(got) != 3 || got[2] != NSMount {
		t.Fatalf("got %v %v", got, err)
	}
	if _, err := ParseNamespaces("pid,bogus"); err == nil || !strings.Contains(err.Error(), "bogus") {
		t.Fatalf("want error naming bogus, got %v", err)
	}
}

func TestDefaultEnv(t *testing.T) {
	got := DefaultEnv([]string{"A=1"})
	if len(got) != 3 || got[0] != "PATH="+DefaultPath || got[1] != "A=1" || got[2] != "HOME=/" {
		t.Errorf("DefaultEnv = %v", got)
	}
	kept := DefaultEnv([]string{"PATH=/x", "HOME=/h", "PATHOLOGY=1"})
	if len(kept) != 3 || kept[0] != "PATH=/x" {
		t.Errorf("a given PATH and HOME must stay: %v", kept)
	}
	if got := DefaultEnv([]string{"PATHX=1"}); got[0] != "PATH="+DefaultPath {
		t.Errorf("PATHX is not PATH: %v", got)
	}
}

func TestParseVolume(t *testing.T) {
	for in, want := range map[string]Volume{
		"/h:/c":        {Host: "/h", Container: "/c"},
		"/h/:/c/d/:ro": {Host: "/h", Container: "/c/d", ReadOnly: true},
		"/h:/c:rw":     {Host: "/h", Container: "/c"},
	} {
		if got, err := ParseVolume(in); err != nil || got != want {
			t.Errorf("ParseVolume(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "/h", "h:/c", "/h:c", "/h:/c:rx", "/h:/c:ro:x", "/h:/", "/h:/proc", "/h:/sys/x", "/h:/dev/../proc/x"} {
		if v, err := ParseVolume(bad); err == nil {
			t.Errorf("ParseVolume(%q) accepted: %+v", bad, v)
		}
	}
}

func TestParseIDMap(t *testing.T) {
	if m, err := ParseIDMap("0:100000:65536"); err != nil || m != (IDMap{0, 100000, 65536}) {
		t.Errorf("got %v %v", m, err)
	}
	if m, err := ParseIDMap("0:4294967294:1"); err != nil || m.Host != 4294967294 {
		t.Errorf("the highest id: %v %v", m, err)
	}
	for _, bad := range []string{"", "0:0", "0:0:0", "-1:0:1", "0:0:-1", "0:4294967295:1", "4294967294:0:2",
		"0:0:4294967296", "a:b:c", "+1:0:1", "0:0:1:2", "99999999999999999999:0:1"} {
		if m, err := ParseIDMap(bad); err == nil {
			t.Errorf("ParseIDMap(%q) accepted: %v", bad, m)
		}
	}
}

func TestDefaultHostname(t *testing.T) {
	for id, want := range map[string]string{
		"abc": "abc", "a_b": "a-b", "x.y_z": "x-y-z", "0123456789abcdef": "0123456789ab",
		"abcdefghijk_l": "abcdefghijk", "a__________________": "a",
	} {
		got := DefaultHostname(id)
		if got != want {
			t.Errorf("DefaultHostname(%q) = %q, want %q", id, got, want)
		}
		if !validHostname(got) {
			t.Errorf("DefaultHostname(%q) = %q is not a valid host name", id, got)
		}
	}
}
