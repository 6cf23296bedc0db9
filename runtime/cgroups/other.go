//go:build !linux

package cgroups

// Detect reports ModeNone: cgroups exist only on Linux.
func Detect() (Mode, error) { return ModeNone, nil }

// New fails with ErrUnsupported outside Linux.
func New(cfg Config) (Cgroup, error) { return nil, ErrUnsupported }
