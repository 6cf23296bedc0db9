package target

import (
	"io/fs"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/little-container/little-container/profiles"
)

// TestShippedProfiles parses every shipped profile and checks that every
// knob the suites may ask for is expressed or declared impossible with a
// reason, so no column can skip a check without saying why.
func TestShippedProfiles(t *testing.T) {
	files, err := fs.Glob(profiles.FS, "*.toml")
	if err != nil || len(files) < len(profiles.Columns) {
		t.Fatalf("shipped profiles %v, %v", files, err)
	}
	names := map[string]bool{}
	for _, f := range files {
		name := strings.TrimSuffix(f, ".toml")
		p, err := Shipped(name)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if p.Name() != name {
			t.Errorf("%s: name %q, want the file's name", f, p.Name())
		}
		names[name] = true
		if m := p.Missing(); len(m) > 0 {
			t.Errorf("%s neither expresses nor declares impossible: %v", f, m)
		}
		for _, k := range AllKnobs() {
			if ok, why := p.Can(k); !ok && strings.TrimSpace(why) == "" {
				t.Errorf("%s cannot express %s and gives no reason", f, k)
			}
		}
		if p.Description == "" {
			t.Errorf("%s: no description", f)
		}
	}
	for _, c := range profiles.Columns {
		if !names[c] {
			t.Errorf("column %s has no profile", c)
		}
	}
	want := []string{"little-container", "runc", "crun", "bwrap", "seed", "gvisor", "nspawn", "lxc", "firejail", "podman"}
	if !slices.Equal(profiles.Columns, want) {
		t.Errorf("Columns = %v, want %v", profiles.Columns, want)
	}
}

func TestNamesDefault(t *testing.T) {
	t.Setenv("LC_TARGETS", "")
	t.Setenv("LC_TARGET_CMD", "")
	t.Setenv("LC_TARGET_PROFILE", "")
	if got := Names(); !slices.Equal(got, profiles.Columns) {
		t.Fatalf("Names = %q, want every shipped column", got)
	}
	t.Setenv("LC_TARGET_CMD", "myrt {cmd}")
	t.Setenv("LC_TARGET_NAME", "student")
	if got := Names(); got[len(got)-1] != "student" {
		t.Errorf("with LC_TARGET_CMD, Names = %q", got)
	}
	t.Setenv("LC_TARGETS", " seed, runc ,")
	if got := Names(); !reflect.DeepEqual(got, []string{"seed", "runc"}) {
		t.Errorf("LC_TARGETS Names = %q", got)
	}
}
