package vm

import (
	"bufio"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Marker words on the result channel. Each is at the start of its own line.
const (
	markBegin  = "LC-BEGIN"  // LC-BEGIN <quoted name> <size>
	markEnd    = "LC-END"    // LC-END <quoted name>
	markStatus = "LC-STATUS" // LC-STATUS <status> <code> [<quoted detail>]
)

// Names under which the guest sends the command's captured output. They start
// with a dot-free prefix that no /reports path can produce.
const (
	StdoutName = ":stdout"
	StderrName = ":stderr"
)

// Status is the guest's verdict on one run.
type Status string

const (
	// StatusPass: the command exited 0.
	StatusPass Status = "pass"
	// StatusFail: the command exited non-zero or was killed by a signal.
	StatusFail Status = "fail"
	// StatusTimeout: the guest killed the command at its time limit.
	StatusTimeout Status = "timeout"
	// StatusInitError: /init itself could not prepare the guest or start the
	// command; the command's verdict is unknown.
	StatusInitError Status = "init-error"
)

// debugExit maps a status to the value /init writes to isa-debug-exit. qemu
// then exits with (v<<1)|1. The values avoid 0, whose exit status 1 is also
// what qemu returns for its own startup errors.
var debugExit = map[Status]byte{
	StatusPass:      0x10,
	StatusFail:      0x11,
	StatusTimeout:   0x12,
	StatusInitError: 0x13,
}

// DebugExitValue is the byte /init writes to the isa-debug-exit port for s.
func DebugExitValue(s Status) (byte, bool) {
	v, ok := debugExit[s]
	return v, ok
}

// StatusFromQemuExit maps qemu's exit status back to the guest's verdict. ok is
// false for statuses isa-debug-exit cannot produce (0 after a power-off or
// reboot, 1 for a qemu error, a signal), where only the status line can tell.
func StatusFromQemuExit(code int) (Status, bool) {
	if code <= 0 || code&1 == 0 {
		return "", false
	}
	for s, want := range debugExit {
		if code>>1 == int(want) {
			return s, true
		}
	}
	return "", false
}

// WriteFile frames one file on the result channel as base64 lines between
// BEGIN and END markers.
func WriteFile(w io.Writer, name string, data []byte) error {
	if _, err := fmt.Fprintf(w, "\n%s %s %d\n", markBegin, strconv.Quote(name), len(data)); err != nil {
		return fmt.Errorf("write begin marker for %s: %w", name, err)
	}
	enc := base64.StdEncoding.EncodeToString(data)
	for len(enc) > 0 {
		n := min(76, len(enc))
		if _, err := io.WriteString(w, enc[:n]+"\n"); err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
		enc = enc[n:]
	}
	if _, err := fmt.Fprintf(w, "%s %s\n", markEnd, strconv.Quote(name)); err != nil {
		return fmt.Errorf("write end marker for %s: %w", name, err)
	}
	return nil
}

// WriteStatus writes the final status line. code is the command's exit code
// (-1 when it has none); detail is a one-line human explanation.
func WriteStatus(w io.Writer, s Status, code int, detail string) error {
	if _, err := fmt.Fprintf(w, "\n%s %s %d %s\n", markStatus, s, code, strconv.Quote(detail)); err != nil {
		return fmt.Errorf("write status: %w", err)
	}
	return nil
}

// Transcript is what a result channel carried.
type Transcript struct {
	Files     map[string][]byte // by name as sent (relative to /reports, or StdoutName/StderrName)
	Status    Status            // empty when no status line arrived
	Code      int               // the command's exit code from the status line
	Detail    string            // the status line's explanation
	HasStatus bool
}

// ErrTruncated reports a file whose END marker never arrived.
var ErrTruncated = errors.New("vm: result file truncated")

// ParseTranscript reads a result channel. Lines outside a file block that are
// not markers are ignored (so the console can be parsed too); a block with a
// bad payload, a size mismatch or no END marker is an error, because a
// half-received report must never read as a complete one.
func ParseTranscript(r io.Reader) (Transcript, error) {
	t := Transcript{Files: map[string][]byte{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	var (
		inFile bool
		name   string
		size   int
		body   strings.Builder
	)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if inFile {
			if rest, ok := strings.CutPrefix(line, markEnd+" "); ok {
				got, err := strconv.Unquote(rest)
				if err != nil || got != name {
					return t, fmt.Errorf("vm: end marker %q inside %q", rest, name)
				}
				data, err := base64.StdEncoding.DecodeString(body.String())
				if err != nil {
					return t, fmt.Errorf("vm: decode %s: %w", name, err)
				}
				if len(data) != size {
					return t, fmt.Errorf("vm: %s: got %d bytes, announced %d: %w", name, len(data), size, ErrTruncated)
				}
				t.Files[name] = data
				inFile = false
				continue
			}
			if strings.HasPrefix(line, markBegin+" ") || strings.HasPrefix(line, markStatus+" ") {
				return t, fmt.Errorf("vm: %s: %w", name, ErrTruncated)
			}
			body.WriteString(line)
			continue
		}
		if rest, ok := strings.CutPrefix(line, markBegin+" "); ok {
			n, sz, err := parseBegin(rest)
			if err != nil {
				return t, err
			}
			inFile, name, size = true, n, sz
			body.Reset()
			continue
		}
		if rest, ok := strings.CutPrefix(line, markStatus+" "); ok {
			if err := parseStatus(rest, &t); err != nil {
				return t, err
			}
		}
	}
	if err := sc.Err(); err != nil {
		return t, fmt.Errorf("vm: read transcript: %w", err)
	}
	if inFile {
		return t, fmt.Errorf("vm: %s: %w", name, ErrTruncated)
	}
	return t, nil
}

func parseBegin(rest string) (string, int, error) {
	i := strings.LastIndexByte(rest, ' ')
	if i < 0 {
		return "", 0, fmt.Errorf("vm: malformed begin marker %q", rest)
	}
	name, err := strconv.Unquote(rest[:i])
	if err != nil {
		return "", 0, fmt.Errorf("vm: begin marker name %q: %w", rest[:i], err)
	}
	size, err := strconv.Atoi(rest[i+1:])
	if err != nil || size < 0 {
		return "", 0, fmt.Errorf("vm: begin marker size %q", rest[i+1:])
	}
	return name, size, nil
}

func parseStatus(rest string, t *Transcript) error {
	f := strings.SplitN(rest, " ", 3)
	if len(f) < 2 {
		return fmt.Errorf("vm: malformed status line %q", rest)
	}
	s := Status(f[0])
	if _, ok := debugExit[s]; !ok {
		return fmt.Errorf("vm: unknown status %q", f[0])
	}
	code, err := strconv.Atoi(f[1])
	if err != nil {
		return fmt.Errorf("vm: status code %q: %w", f[1], err)
	}
	t.Status, t.Code, t.HasStatus = s, code, true
	if len(f) == 3 {
		if d, err := strconv.Unquote(f[2]); err == nil {
			t.Detail = d
		} else {
			t.Detail = f[2]
		}
	}
	return nil
}
