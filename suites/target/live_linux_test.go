package target

import "testing"

func TestParseRchar(t *testing.T) {
	if n, ok := ParseRchar("rchar: 6976\nwchar: 0\nsyscr: 10\n"); !ok || n != 6976 {
		t.Errorf("ParseRchar = %d, %v; want 6976", n, ok)
	}
	if _, ok := ParseRchar("wchar: 0\n"); ok {
		t.Error("ParseRchar without rchar reported one")
	}
}

// A sandbox runtime's helper passing through the root cgroup (runsc does)
// is not in a cgroup of its own: only one below none of the runtime's is.
func TestCgroupOfItsOwn(t *testing.T) {
	runtime := "13:pids:/\n12:memory:/process_api/339d\n0::/\n"
	for _, tc := range []struct {
		name, cg string
		want     bool
	}{
		{"the runtime's own", runtime, false},
		{"the root everywhere", "13:pids:/\n12:memory:/\n0::/\n", false},
		{"an ancestor of the runtime's", "13:pids:/\n12:memory:/process_api\n0::/\n", false},
		{"the sandbox's", "13:pids:/lc-p2-aa\n12:memory:/lc-p2-aa\n0::/\n", true},
		{"below the runtime's", "13:pids:/\n12:memory:/process_api/339d/lc-p2-aa\n0::/\n", true},
		{"a v2 cgroup of its own", "0::/lc-p2-aa\n", true},
	} {
		if got := CgroupOfItsOwn(tc.cg, runtime); got != tc.want {
			t.Errorf("%s: CgroupOfItsOwn = %v, want %v", tc.name, got, tc.want)
		}
	}
}
