package probes

import "testing"

func TestNSCompare(t *testing.T) {
	host := map[string]NSID{"pid": {Dev: 4, Ino: 100}}
	tests := []struct {
		name string
		host map[string]NSID
		id   NSID
		want string
	}{
		{"pid", host, NSID{4, 100}, "same-as-host"},
		{"pid", host, NSID{4, 101}, "differs"},
		{"pid", host, NSID{5, 100}, "differs"}, // same inode on another device is another namespace
		{"net", host, NSID{4, 100}, "no-host-fingerprint"},
		{"pid", nil, NSID{4, 100}, "no-host-fingerprint"},
	}
	for _, tt := range tests {
		if got := NSCompare(tt.host, tt.name, tt.id); got != tt.want {
			t.Errorf("NSCompare(%v, %q, %v) = %q, want %q", tt.host, tt.name, tt.id, got, tt.want)
		}
	}
}

func TestHostnameDetail(t *testing.T) {
	tests := []struct{ got, want, host, out string }{
		{"c1", "c1", "vm", "want:match host:differs"},
		{"vm", "c1", "vm", "want:differs host:same"},
		{"vm", "", "", "want:unset host:unset"},
		{"vm", "", "vm", "want:unset host:same"},
	}
	for _, tt := range tests {
		if out := HostnameDetail(tt.got, tt.want, tt.host); out != tt.out {
			t.Errorf("HostnameDetail(%q, %q, %q) = %q, want %q", tt.got, tt.want, tt.host, out, tt.out)
		}
	}
}

func TestNumericNamesAndJoinInts(t *testing.T) {
	got := NumericNames([]string{"self", "10", "2", "0", "01", "thread-self", "1", "sys", "3x"})
	if want := []int{1, 2, 10}; len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Fatalf("NumericNames = %v, want %v", got, want)
	}
	tests := []struct {
		v    []int
		max  int
		want string
	}{
		{nil, 50, ""},
		{[]int{1, 2, 10}, 50, "1,2,10"},
		{[]int{1, 2, 10}, 2, "1,2 +1 more"},
		{[]int{1, 2, 10}, 3, "1,2,10"},
	}
	for _, tt := range tests {
		if got := JoinInts(tt.v, tt.max); got != tt.want {
			t.Errorf("JoinInts(%v, %d) = %q, want %q", tt.v, tt.max, got, tt.want)
		}
	}
}

func TestSafeName(t *testing.T) {
	for s, want := range map[string]bool{
		"abc-123_X.y": true, "": false, ".": false, "..": false, "a/b": false, "a b": false,
		"../x": false, "x\x00": false, string(make([]byte, 65)): false,
	} {
		if got := SafeName(s); got != want {
			t.Errorf("SafeName(%q) = %v, want %v", s, got, want)
		}
	}
}
