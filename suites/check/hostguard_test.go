package check

import (
	"slices"
	"testing"
)

func TestHostChanges(t *testing.T) {
	null := NodeState{Mode: 0o20666, Rdev: 259}
	chowned := null
	chowned.UID, chowned.GID = 65534, 65534
	before := map[string]NodeState{"/dev/null": null, "/dev/ptmx": {Mode: 0o20666, Rdev: 1282}, "/dev/console": {Missing: true}}
	after := map[string]NodeState{"/dev/null": chowned, "/dev/ptmx": {Mode: 0o100000}, "/dev/console": {Missing: true}}
	got := HostChanges(before, after)
	want := []string{
		"/dev/null: mode 20666 owner 0:0 rdev 259 → mode 20666 owner 65534:65534 rdev 259",
		"/dev/ptmx: mode 20666 owner 0:0 rdev 1282 → mode 100000 owner 0:0 rdev 0",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("HostChanges = %q, want %q", got, want)
	}
	if c := HostChanges(before, before); len(c) != 0 {
		t.Fatalf("no change reported %q", c)
	}
}
