package probes_test

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/little-container/little-container/probes"
)

// Probes registered only in this test binary, to drive Main through each
// of its endings.
var (
	releaseSlow chan struct{} // set by TestMainDeadline before each run
	seenEnv     *probes.Env
)

func init() {
	probes.Register("probetest-ok", "records one attempt", time.Second, func(env *probes.Env) error {
		env.Report.Record("first", nil, "")
		return nil
	})
	probes.Register("probetest-err", "records, then gives up", time.Second, func(env *probes.Env) error {
		env.Report.Record("before-error", nil, "")
		return errors.New("cannot go on")
	})
	probes.Register("probetest-slow", "blocks past its deadline", 50*time.Millisecond, func(env *probes.Env) error {
		env.Report.Record("started", nil, "")
		<-releaseSlow
		return nil
	})
	probes.Register("probetest-fp", "keeps its env", time.Second, func(env *probes.Env) error {
		seenEnv = env
		return nil
	})
}

func run(argv ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := probes.Main(argv, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestMainUnknownProbeIsUsage(t *testing.T) {
	for _, argv := range [][]string{
		{"probe", "no-such-probe"},
		{"probe"},
		{"probe", "--help"},
		{"/usr/bin/no-such-link"},
	} {
		code, out, stderr := run(argv...)
		if code != probes.ExitUsage {
			t.Errorf("Main(%q) = %d, want ExitUsage", argv, code)
		}
		if out != "" {
			t.Errorf("Main(%q) wrote a report %q", argv, out)
		}
		if !strings.Contains(stderr, "probetest-ok") {
			t.Errorf("Main(%q) usage does not list probes: %q", argv, stderr)
		}
	}
}

func TestMainCompleteReport(t *testing.T) {
	for _, argv := range [][]string{
		{"probe", "probetest-ok"},
		{"/some/dir/probetest-ok"}, // multi-call through a link named after the probe
	} {
		code, out, stderr := run(argv...)
		if code != probes.ExitOK {
			t.Fatalf("Main(%q) = %d (%s), want ExitOK", argv, code, stderr)
		}
		r, err := probes.Decode([]byte(out))
		if err != nil {
			t.Fatalf("Decode: %v", err)
		}
		if r.Probe != "probetest-ok" || !r.Complete {
			t.Errorf("report %+v", r)
		}
		if a, ok := r.Attempt("first"); !ok || a.Outcome != probes.Succeeded {
			t.Errorf("attempt first = %+v, %v", a, ok)
		}
	}
}

func TestMainProbeErrorIsIncomplete(t *testing.T) {
	code, out, stderr := run("probe", "probetest-err")
	if code != probes.ExitFailed {
		t.Fatalf("exit %d, want ExitFailed", code)
	}
	if !strings.Contains(stderr, "cannot go on") {
		t.Errorf("stderr %q does not name the error", stderr)
	}
	r, err := probes.Decode([]byte(out))
	if !errors.Is(err, probes.ErrIncomplete) {
		t.Fatalf("Decode err = %v, want ErrIncomplete", err)
	}
	if r == nil || r.Complete {
		t.Fatalf("report %+v", r)
	}
	if _, ok := r.Attempt("before-error"); !ok {
		t.Errorf("attempts recorded before the error are lost: %+v", r.Attempts)
	}
}

func TestMainDeadline(t *testing.T) {
	release := make(chan struct{})
	releaseSlow = release
	defer close(release)
	start := time.Now()
	code, out, stderr := run("probe", "probetest-slow")
	if code != probes.ExitDeadline {
		t.Fatalf("exit %d, want ExitDeadline", code)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("deadline of 50ms took %s", d)
	}
	if !strings.Contains(stderr, "deadline") {
		t.Errorf("stderr %q does not mention the deadline", stderr)
	}
	if _, err := probes.Decode([]byte(out)); !errors.Is(err, probes.ErrIncomplete) {
		t.Errorf("Decode(%q) err = %v, want ErrIncomplete", out, err)
	}
}

func TestMainFingerprintsRoundTrip(t *testing.T) {
	fp := &probes.Fingerprints{
		Namespaces:     map[string]probes.NSID{"pid": {Dev: 4, Ino: 4026531836}, "net": {Dev: 4, Ino: 4026531833}},
		Hostname:       "host",
		WantHostname:   "box",
		SentinelPID:    4242,
		ShmKey:         0x1234,
		MsgKey:         -7,
		TCPAddr:        "127.0.0.1:9",
		AbstractSocket: "lc-test sock/with'quotes\"",
		RootDev:        65024,
		RootIno:        2,
		RootMount:      "254:0",
		Nonce:          "n-1",
	}
	for _, flag := range []string{"--fp", "-fp"} {
		seenEnv = nil
		code, out, stderr := run("probe", "probetest-fp", "-x", flag, fp.Encode(), "rest")
		if code != probes.ExitOK {
			t.Fatalf("%s: exit %d (%s)", flag, code, stderr)
		}
		if _, err := probes.Decode([]byte(out)); err != nil {
			t.Fatalf("%s: %v", flag, err)
		}
		if !reflect.DeepEqual(seenEnv.FP, fp) {
			t.Errorf("%s: probe saw %+v, want %+v", flag, seenEnv.FP, fp)
		}
		if want := []string{"-x", "rest"}; !reflect.DeepEqual(seenEnv.Args, want) {
			t.Errorf("%s: args %q, want %q", flag, seenEnv.Args, want)
		}
	}

	seenEnv = nil
	if code, _, _ := run("probe", "probetest-fp"); code != probes.ExitOK || seenEnv.FP == nil {
		t.Errorf("without --fp: exit %d, FP %v; want an empty, non-nil FP", code, seenEnv.FP)
	}
	if code, out, _ := run("probe", "probetest-fp", "--fp", "!!not-base64"); code != probes.ExitUsage || out != "" {
		t.Errorf("bad --fp: exit %d, out %q; want ExitUsage and no report", code, out)
	}
	if _, err := probes.DecodeFingerprints(fp.Encode()[:10]); err == nil {
		t.Error("DecodeFingerprints accepted a truncated encoding")
	}
}

func TestDecode(t *testing.T) {
	complete := `{"probe":"p","attempts":[{"name":"a","outcome":"failed","errno":"EPERM"}],"complete":true}`
	r, err := probes.Decode([]byte(complete + "\n"))
	if err != nil {
		t.Fatalf("complete report rejected: %v", err)
	}
	if a, _ := r.Attempt("a"); a.Errno != "EPERM" {
		t.Errorf("attempt a = %+v", a)
	}
	for name, in := range map[string]string{
		"empty":            ``,
		"truncated":        complete[:len(complete)/2],
		"cut before close": complete[:len(complete)-1],
		"missing complete": `{"probe":"p","attempts":[]}`,
		"complete false":   `{"probe":"p","attempts":[],"complete":false}`,
		"not json":         `segmentation fault`,
	} {
		if _, err := probes.Decode([]byte(in)); !errors.Is(err, probes.ErrIncomplete) {
			t.Errorf("%s: err = %v, want ErrIncomplete", name, err)
		}
	}
}
