package vm

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestTranscriptRoundTrip(t *testing.T) {
	var b bytes.Buffer
	files := map[string][]byte{
		StdoutName:                        []byte("pids memory\n"),
		StderrName:                        {},
		"a/report.json":                   bytes.Repeat([]byte{0, 1, 2, 0xff}, 100),
		"name with \"quotes\" and spaces": []byte("x"),
	}
	for name, data := range files {
		if err := WriteFile(&b, name, data); err != nil {
			t.Fatal(err)
		}
	}
	if err := WriteStatus(&b, StatusFail, 3, `exit 3 after "1s"`); err != nil {
		t.Fatal(err)
	}
	// A tty that kept its newline translation turns \n into \r\n.
	withCR := strings.ReplaceAll(b.String(), "\n", "\r\n")
	for _, in := range []string{b.String(), withCR, "kernel noise\n" + b.String() + "more noise\n"} {
		got, err := ParseTranscript(strings.NewReader(in))
		if err != nil {
			t.Fatalf("parse: %v", err)
		}
		if !got.HasStatus || got.Status != StatusFail || got.Code != 3 || got.Detail != `exit 3 after "1s"` {
			t.Errorf("status = %+v", got)
		}
		if len(got.Files) != len(files) {
			t.Errorf("got %d files, want %d", len(got.Files), len(files))
		}
		for name, want := range files {
			if !bytes.Equal(got.Files[name], want) {
				t.Errorf("file %q = %q, want %q", name, got.Files[name], want)
			}
		}
	}
}

func TestTranscriptErrors(t *testing.T) {
	var full bytes.Buffer
	if err := WriteFile(&full, "r.json", []byte("0123456789abcdef")); err != nil {
		t.Fatal(err)
	}
	whole := full.String()
	noEnd := whole[:strings.Index(whole, markEnd)]
	tests := []struct {
		name      string
		in        string
		truncated bool
	}{
		{"no end marker", noEnd, true},
		{"begin inside a file", noEnd + whole, true},
		{"status inside a file", noEnd + "LC-STATUS pass 0 \"\"\n", true},
		{"size mismatch", strings.Replace(whole, " 16\n", " 17\n", 1), true},
		{"bad base64", strings.Replace(whole, "MDEy", "M!Ey", 1), false},
		{"end for another file", strings.Replace(whole, `LC-END "r.json"`, `LC-END "s.json"`, 1), false},
		{"unknown status", "LC-STATUS maybe 0 \"\"\n", false},
		{"bad status code", "LC-STATUS pass x \"\"\n", false},
		{"bad begin", "LC-BEGIN nosize\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseTranscript(strings.NewReader(tt.in))
			if err == nil {
				t.Fatal("want an error")
			}
			if got := errors.Is(err, ErrTruncated); got != tt.truncated {
				t.Errorf("errors.Is(ErrTruncated) = %v, want %v (%v)", got, tt.truncated, err)
			}
		})
	}
}

func TestQemuExitMapping(t *testing.T) {
	for _, st := range []Status{StatusPass, StatusFail, StatusTimeout, StatusInitError} {
		v, ok := DebugExitValue(st)
		if !ok {
			t.Fatalf("no value for %s", st)
		}
		got, ok := StatusFromQemuExit(int(v)<<1 | 1)
		if !ok || got != st {
			t.Errorf("status %s: qemu exit %d maps to %q, %v", st, int(v)<<1|1, got, ok)
		}
	}
	tests := []struct {
		code int
		want Status
		ok   bool
	}{
		{0, "", false},  // power-off, reboot with -no-reboot
		{1, "", false},  // qemu's own error
		{-1, "", false}, // killed
		{2, "", false},
		{33, StatusPass, true},
		{35, StatusFail, true},
		{37, StatusTimeout, true},
		{39, StatusInitError, true},
		{41, "", false},
	}
	for _, tt := range tests {
		got, ok := StatusFromQemuExit(tt.code)
		if got != tt.want || ok != tt.ok {
			t.Errorf("StatusFromQemuExit(%d) = %q, %v; want %q, %v", tt.code, got, ok, tt.want, tt.ok)
		}
	}
}

func TestVerdict(t *testing.T) {
	withStatus := func(s Status, code int) Transcript {
		return Transcript{Files: map[string][]byte{StdoutName: []byte("out"), "r.json": []byte("{}")}, Status: s, Code: code, HasStatus: true}
	}
	tests := []struct {
		name     string
		qemuExit int
		t        Transcript
		parseErr error
		passed   bool
		status   Status
		code     int
		wantErr  bool
	}{
		{"pass both", 33, withStatus(StatusPass, 0), nil, true, StatusPass, 0, false},
		{"fail both", 35, withStatus(StatusFail, 1), nil, false, StatusFail, 1, false},
		{"status line after power-off", 0, withStatus(StatusFail, 7), nil, false, StatusFail, 7, false},
		{"exit code only", 33, Transcript{}, nil, true, StatusPass, -1, false},
		{"disagreement", 33, withStatus(StatusFail, 1), nil, false, StatusFail, 1, true},
		{"nothing", 0, Transcript{}, nil, false, "", -1, true},
		{"qemu error", 1, Transcript{}, nil, false, "", -1, true},
		{"truncated report", 33, withStatus(StatusPass, 0), ErrTruncated, false, StatusPass, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := verdict(Result{QemuExit: tt.qemuExit, Code: -1}, tt.t, tt.parseErr)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if res.Passed != tt.passed || res.Status != tt.status || res.Code != tt.code {
				t.Errorf("got passed=%v status=%q code=%d", res.Passed, res.Status, res.Code)
			}
			if tt.t.HasStatus && (string(res.Stdout) != "out" || string(res.Files["r.json"]) != "{}" || res.Files[StdoutName] != nil) {
				t.Errorf("files not split: stdout %q files %v", res.Stdout, res.Files)
			}
		})
	}
}
