package cgroups

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// ReadPidsEvents returns the "max" counter of dir/pids.events: how many
// forks the pids limit refused (v1 and v2).
func ReadPidsEvents(dir string) (int64, error) {
	p := filepath.Join(dir, "pids.events")
	kv, err := ReadKeyed(p)
	if err != nil {
		return 0, err
	}
	v, ok := kv["max"]
	if !ok {
		return 0, fmt.Errorf("cgroups: %s: no \"max\" key", p)
	}
	return v, nil
}

// ReadKeyed parses a flat-keyed file ("key value" per line) such as
// memory.events, memory.oom_control, cpu.stat or pids.events. "max" values
// read as -1.
func ReadKeyed(path string) (map[string]int64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cgroups: read %s: %w", path, err)
	}
	kv, err := parseKeyed(string(b))
	if err != nil {
		return nil, fmt.Errorf("cgroups: %s: %w", path, err)
	}
	return kv, nil
}

// ReadInt reads a single-value file such as pids.current, pids.max or
// memory.failcnt; "max" reads as -1.
func ReadInt(path string) (int64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, fmt.Errorf("cgroups: read %s: %w", path, err)
	}
	v, err := parseValue(strings.TrimSpace(string(b)))
	if err != nil {
		return 0, fmt.Errorf("cgroups: %s: %w", path, err)
	}
	return v, nil
}

// parseKeyed parses flat-keyed text.
func parseKeyed(text string) (map[string]int64, error) {
	out := map[string]int64{}
	for i, line := range strings.Split(text, "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		if len(fields) != 2 {
			return nil, fmt.Errorf("line %d: want \"key value\", got %q", i+1, line)
		}
		v, err := parseValue(fields[1])
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", i+1, err)
		}
		out[fields[0]] = v
	}
	return out, nil
}

// parseValue parses an integer or "max" (-1).
func parseValue(s string) (int64, error) {
	if s == "max" {
		return -1, nil
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("value %q is not an integer or \"max\"", s)
	}
	return v, nil
}
