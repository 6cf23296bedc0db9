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
