package probes

import "time"

// Probe "hold": nothing but a hold, so the host can look at a running
// container for itself. It waits for EOF on stdin, at most 20 s, and
// reports "hold" with "eof" or "timeout".

func init() {
	Register("hold", "wait for EOF on stdin (at most 20 s) while the host looks", 30*time.Second, func(env *Env) error {
		RecordValue(env.Report, "hold", nil, Hold(env.Stdin, 20*time.Second), "")
		return nil
	})
}
