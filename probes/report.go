// Package probes holds the in-container probes and the report types that the
// host-side suites decode. Host and probe import the same types, so a field
// renamed on one side cannot silently read as zero on the other.
package probes

import (
	"encoding/json"
	"errors"
	"fmt"
)

// Outcome says what happened when a probe tried one thing.
type Outcome string

const (
	// Succeeded: the call worked. For an escape attempt this means the
	// container could do what it should not.
	Succeeded Outcome = "succeeded"
	// Failed: the kernel refused; Errno says how.
	Failed Outcome = "failed"
	// Unsupported: the attempt could not be made at all (missing file,
	// missing kernel feature); Detail says why. The suite turns it into a skip.
	Unsupported Outcome = "unsupported"
)

// Attempt is one thing a probe tried or observed, with its evidence.
type Attempt struct {
	Name    string  `json:"name"`             // stable key, e.g. "kill-sentinel"
	Outcome Outcome `json:"outcome"`          // succeeded | failed | unsupported
	Errno   string  `json:"errno,omitempty"`  // symbolic errno, e.g. "ESRCH"
	Detail  string  `json:"detail,omitempty"` // human-readable evidence
	Value   string  `json:"value,omitempty"`  // machine-readable observation
}

// Report is the one JSON document a probe prints. Complete is written last:
// a report without it is truncated and the suite treats it as an error.
type Report struct {
	Probe    string            `json:"probe"`
	Attempts []Attempt         `json:"attempts"`
	Facts    map[string]string `json:"facts,omitempty"`
	Complete bool              `json:"complete"`
}

// ErrIncomplete marks a report that did not reach its end: a crash, a
// deadline or a truncated write. It is never a pass.
var ErrIncomplete = errors.New("probes: report incomplete")

// Decode parses a probe's stdout. Anything but one complete report is an error.
func Decode(out []byte) (*Report, error) {
	var r Report
	if err := json.Unmarshal(out, &r); err != nil {
		return nil, fmt.Errorf("%w: %v (output %q)", ErrIncomplete, err, truncate(out, 512))
	}
	if !r.Complete {
		return &r, fmt.Errorf("%w: probe %q did not finish", ErrIncomplete, r.Probe)
	}
	return &r, nil
}

// Attempt returns the named attempt, or false if the probe never reported it.
func (r *Report) Attempt(name string) (Attempt, bool) {
	for _, a := range r.Attempts {
		if a.Name == name {
			return a, true
		}
	}
	return Attempt{}, false
}

func truncate(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}
