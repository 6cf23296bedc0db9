package cgroups

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestReadKeyed(t *testing.T) {
	tests := []struct {
		name, text string
		want       map[string]int64
		wantErr    bool
	}{
		{"memory.events", "low 0\nhigh 0\nmax 12\noom 1\noom_kill 1\noom_group_kill 0\n", map[string]int64{"low": 0, "high": 0, "max": 12, "oom": 1, "oom_kill": 1, "oom_group_kill": 0}, false},
		{"v1 memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n", map[string]int64{"oom_kill_disable": 0, "under_oom": 0, "oom_kill": 3}, false},
		{"pids.events", "max 7\n", map[string]int64{"max": 7}, false},
		{"max value", "limit max\n", map[string]int64{"limit": -1}, false},
		{"empty", "", map[string]int64{}, false},
		{"nested keyed is rejected", "8:0 rbytes=1 wbytes=2\n", nil, true},
		{"not a number", "max x\n", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "f")
			if err := os.WriteFile(p, []byte(tt.text), 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := ReadKeyed(p)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if !tt.wantErr && !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestReadIntAndPidsEvents(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for text, want := range map[string]int64{"42\n": 42, "max\n": -1, "0": 0} {
		got, err := ReadInt(write("pids.current", text))
		if err != nil || got != want {
			t.Errorf("ReadInt(%q) = %d, %v; want %d", text, got, err, want)
		}
	}
	if _, err := ReadInt(write("bad", "12 13\n")); err == nil {
		t.Error("ReadInt of two values: want error")
	}
	if _, err := ReadInt(filepath.Join(dir, "missing")); err == nil {
		t.Error("ReadInt of missing file: want error")
	}
	write("pids.events", "max 5\n")
	if got, err := ReadPidsEvents(dir); err != nil || got != 5 {
		t.Errorf("ReadPidsEvents = %d, %v; want 5", got, err)
	}
	write("pids.events", "other 5\n")
	if _, err := ReadPidsEvents(dir); err == nil {
		t.Error("ReadPidsEvents without max: want error")
	}
}
