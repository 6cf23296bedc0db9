package capability

import (
	"reflect"
	"testing"
)

func TestParse(t *testing.T) {
	for in, want := range map[string]Cap{"CAP_SYS_ADMIN": 21, "sys_admin": 21, "NET_RAW": 13, "cap_checkpoint_restore": 40, "chown": 0} {
		if got, err := Parse(in); err != nil || got != want {
			t.Errorf("Parse(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := Parse("CAP_FLY"); err == nil {
		t.Error("Parse accepted an unknown capability")
	}
}

func TestMaskRoundTrip(t *testing.T) {
	// A full set as root's status shows it on a 5.9+ kernel.
	s, err := ParseMask("000001ffffffffff")
	if err != nil || s != All() {
		t.Fatalf("ParseMask = %x, %v; want %x", s, err, All())
	}
	// runc's default bounding set, as a kernel prints it.
	d, err := ParseMask("00000000a80425fb")
	if err != nil {
		t.Fatal(err)
	}
	if d != NewSet(Default...) {
		t.Errorf("Default = %x, want runc's a80425fb: extra %v missing %v", NewSet(Default...), Diff(NewSet(Default...), d), Diff(d, NewSet(Default...)))
	}
	if !d.Has(27) || d.Has(21) {
		t.Error("default should keep CAP_MKNOD and lack CAP_SYS_ADMIN")
	}
	if _, err := ParseMask("zz"); err == nil {
		t.Error("ParseMask accepted garbage")
	}
}

func TestAdjust(t *testing.T) {
	base := NewSet(Default...)
	got, err := Adjust(base, []string{"NET_RAW"}, []string{"ALL"})
	if err != nil || !reflect.DeepEqual(got.Names(), []string{"CAP_NET_RAW"}) {
		t.Errorf("drop ALL add NET_RAW = %v, %v", got.Names(), err)
	}
	got, _ = Adjust(base, []string{"ALL"}, nil)
	if got != All() {
		t.Errorf("add ALL = %x", got)
	}
	got, _ = Adjust(base, nil, []string{"cap_mknod"})
	if got.Has(27) {
		t.Error("drop mknod kept it")
	}
	if _, err := Adjust(base, []string{"bogus"}, nil); err == nil {
		t.Error("Adjust accepted bogus")
	}
}

func TestParseMaskStrict(t *testing.T) {
	for _, bad := range []string{"", "xyz", "10000000000000000" /* 65 bits */} {
		if _, err := ParseMask(bad); err == nil {
			t.Errorf("ParseMask(%q) accepted", bad)
		}
	}
	if s, err := ParseMask(" 0000000000000000\n"); err != nil || s != 0 {
		t.Errorf("empty set: %v %v", s, err)
	}
}

func TestNamesBeyondTheTable(t *testing.T) {
	// A kernel newer than the table still has every bit reported.
	if got := Set(1<<41 | 1<<63).Names(); !reflect.DeepEqual(got, []string{"CAP_41", "CAP_63"}) {
		t.Errorf("got %v", got)
	}
	names := (All()).Names()
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			t.Errorf("repeated name %q", n)
		}
		seen[n] = true
	}
	if len(names) != 41 {
		t.Errorf("All() names %d capabilities, want 41", len(names))
	}
}
