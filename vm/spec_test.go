package vm

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestCmdline(t *testing.T) {
	got := Cmdline(CgroupV1, true, "mitigations=off")
	for _, want := range []string{"console=ttyS0", "panic=-1", "rdinit=/init", "quiet", "lc.cgroup=v1", "mitigations=off"} {
		if !slices.Contains(strings.Fields(got), want) {
			t.Errorf("cmdline %q lacks %q", got, want)
		}
	}
	if strings.Contains(Cmdline(CgroupV2, false), "quiet") {
		t.Error("verbose cmdline is quiet")
	}
}

func TestCmdlineParam(t *testing.T) {
	tests := []struct {
		cmdline, name, want string
		ok                  bool
	}{
		{"console=ttyS0 lc.cgroup=v1 quiet\n", "lc.cgroup", "v1", true},
		{"lc.cgroup=v1 lc.cgroup=hybrid", "lc.cgroup", "hybrid", true},
		{`lc.cgroup="v2"`, "lc.cgroup", "v2", true},
		{"xlc.cgroup=v1 lc.cgroupx=v1 lc.cgroup", "lc.cgroup", "", false},
		{"", "lc.cgroup", "", false},
	}
	for _, tt := range tests {
		got, ok := CmdlineParam(tt.cmdline, tt.name)
		if got != tt.want || ok != tt.ok {
			t.Errorf("CmdlineParam(%q) = %q, %v; want %q, %v", tt.cmdline, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseCgroupMode(t *testing.T) {
	for _, s := range []string{"v2", "v1", "hybrid"} {
		if m, err := ParseCgroupMode(s); err != nil || string(m) != s {
			t.Errorf("ParseCgroupMode(%q) = %q, %v", s, m, err)
		}
	}
	for _, s := range []string{"", "V2", "unified", "legacy"} {
		if _, err := ParseCgroupMode(s); err == nil {
			t.Errorf("ParseCgroupMode(%q) accepted", s)
		}
	}
}

func TestSpecRoundTrip(t *testing.T) {
	in := Spec{Argv: []string{"sh", "-c", "echo 'a b'\nexit 3"}, Env: []string{"A=1"}, TimeoutMS: 1500}
	b, err := MarshalSpec(in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := UnmarshalSpec(b)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(in.Argv, out.Argv) || !slices.Equal(in.Env, out.Env) || out.Timeout() != 1500*time.Millisecond {
		t.Errorf("round trip: %+v -> %+v", in, out)
	}
	if _, err := MarshalSpec(Spec{}); err == nil {
		t.Error("empty argv accepted")
	}
	if _, err := UnmarshalSpec([]byte(`{"argv":[]}`)); err == nil {
		t.Error("empty argv decoded")
	}
}
