//go:build !linux

package matrix

import (
	"os"
	"runtime"
	"time"
)

// HostMeta describes this machine now (no kernel details off Linux).
func HostMeta() *Meta {
	return &Meta{Date: time.Now().Format(time.RFC3339), CPUs: runtime.NumCPU(), EUID: os.Geteuid()}
}
