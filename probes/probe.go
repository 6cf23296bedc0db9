package probes

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// Env is what a probe gets: its flags, the host's fingerprints and the
// report it fills in.
type Env struct {
	Args   []string      // arguments after the probe name, flags parsed by the probe
	FP     *Fingerprints // never nil; empty when the host gave none
	Report *Report
	Stdin  io.Reader // for -hold: the probe waits for EOF here
}

// Func is one probe. It records attempts in env.Report and returns an error
// only when it could not do its job at all; Main then prints no complete report.
type Func func(env *Env) error

type entry struct {
	run      Func
	deadline time.Duration
	help     string
}

var registry = map[string]entry{}

// Register adds a probe under name. Each probe has its own deadline so a hang
// inside a container turns into an incomplete report, not a stuck suite.
func Register(name, help string, deadline time.Duration, run Func) {
	if _, dup := registry[name]; dup {
		panic("probes: duplicate probe " + name) // programming error at init time
	}
	registry[name] = entry{run: run, deadline: deadline, help: help}
}

// Names lists the registered probes, sorted.
func Names() []string {
	var n []string
	for k := range registry {
		n = append(n, k)
	}
	sort.Strings(n)
	return n
}

// Exit codes of the probe binary.
const (
	ExitOK       = 0
	ExitFailed   = 2 // the probe returned an error: report incomplete
	ExitDeadline = 3 // the probe ran past its deadline: report incomplete
	ExitUsage    = 64
)

// Main runs the probe named by argv[0]'s base name (multi-call through a
// link) or by argv[1], prints exactly one JSON report on stdout and returns
// the process exit code.
func Main(argv []string, stdin io.Reader, stdout, stderr io.Writer) int {
	name := filepath.Base(argv[0])
	args := argv[1:]
	if _, ok := registry[name]; !ok {
		if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
			usage(stderr)
			return ExitUsage
		}
		name, args = args[0], args[1:]
	}
	e, ok := registry[name]
	if !ok {
		fmt.Fprintf(stderr, "probe: unknown probe %q\n", name)
		usage(stderr)
		return ExitUsage
	}
	fp := &Fingerprints{}
	// --fp is taken by every probe and removed before the probe sees its args.
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if (a == "--fp" || a == "-fp") && i+1 < len(args) {
			f, err := DecodeFingerprints(args[i+1])
			if err != nil {
				fmt.Fprintf(stderr, "probe %s: %v\n", name, err)
				return ExitUsage
			}
			fp = f
			i++
			continue
		}
		rest = append(rest, a)
	}
	rep := &Report{Probe: name, Attempts: []Attempt{}, Facts: map[string]string{}}
	if fp.Nonce != "" {
		// The host knows from these lines that the runtime started the
		// probe, and when it holds, even where the container's processes
		// are not host processes (gVisor).
		fmt.Fprintf(stderr, "%s%s\n", StartLine, fp.Nonce)
		if stdin != nil {
			stdin = &holdNotice{r: stdin, w: stderr, line: HoldLine + fp.Nonce + "\n"}
		}
	}
	env := &Env{Args: rest, FP: fp, Report: rep, Stdin: stdin}

	done := make(chan error, 1)
	go func() { done <- e.run(env) }()
	timer := time.NewTimer(e.deadline)
	defer timer.Stop()
	select {
	case err := <-done:
		if err != nil {
			fmt.Fprintf(stderr, "probe %s: %v\n", name, err)
			writeReport(stdout, rep) // incomplete: Complete stays false
			return ExitFailed
		}
		rep.Complete = true
		if err := writeReport(stdout, rep); err != nil {
			fmt.Fprintf(stderr, "probe %s: writing report: %v\n", name, err)
			return ExitFailed
		}
		return ExitOK
	case <-timer.C:
		fmt.Fprintf(stderr, "probe %s: deadline %s passed\n", name, e.deadline)
		return ExitDeadline
	}
}

// StartLine and HoldLine begin the two stderr lines a probe given a nonce
// prints: when it starts, and when it first reads stdin to hold. Each is
// followed by the nonce.
const (
	StartLine = "lc-probe: start "
	HoldLine  = "lc-probe: hold "
)

// holdNotice announces a hold on the first read of stdin, and again on
// the first read after one that returned data: a probe that waits for the
// host's go-ahead (Await: one byte) and later holds (Hold: EOF) announces
// both, so the host of a sandboxed container, which cannot see the read,
// tells the second from the first.
type holdNotice struct {
	r    io.Reader
	w    io.Writer
	line string
	mu   sync.Mutex
	told bool
}

func (h *holdNotice) Read(p []byte) (int, error) {
	h.mu.Lock()
	if !h.told {
		io.WriteString(h.w, h.line)
		h.told = true
	}
	h.mu.Unlock()
	n, err := h.r.Read(p)
	if n > 0 {
		h.mu.Lock()
		h.told = false
		h.mu.Unlock()
	}
	return n, err
}

func writeReport(w io.Writer, r *Report) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: probe NAME [--fp FINGERPRINTS] [FLAGS]\n\nEach probe prints one JSON report and ends it with \"complete\": true.\nProbes:")
	for _, n := range Names() {
		fmt.Fprintf(w, "  %-12s %s\n", n, registry[n].help)
	}
}

// NewFlags returns a FlagSet for a probe's own flags that reports errors
// instead of exiting, so a bad flag becomes an incomplete report.
func NewFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// Record appends an attempt whose outcome follows err: nil is Succeeded, an
// errno is Failed with its symbolic name, anything else is Failed with text.
func (r *Report) Record(name string, err error, detail string) Attempt {
	a := Attempt{Name: name, Outcome: Succeeded, Detail: detail}
	if err != nil {
		a.Outcome = Failed
		var errno unix.Errno
		if errors.As(err, &errno) {
			a.Errno = unix.ErrnoName(errno)
		}
		if a.Detail == "" {
			a.Detail = err.Error()
		} else {
			a.Detail += ": " + err.Error()
		}
	}
	r.Attempts = append(r.Attempts, a)
	return a
}

// Unsupported records an attempt that could not be made, with the reason.
func (r *Report) Unsupported(name, why string) {
	r.Attempts = append(r.Attempts, Attempt{Name: name, Outcome: Unsupported, Detail: why})
}

// NotImplementedHere begins the Detail of an attempt the kernel under the
// container does not implement (a system call answering ENOSYS, a /proc
// line or file it lacks, as under gVisor): the suites decide from the
// attempts that could run, and skip a check whose every attempt was this.
const NotImplementedHere = "not implemented here"

// NotImplemented records an attempt the kernel does not implement.
func (r *Report) NotImplemented(name, what string) {
	r.Unsupported(name, NotImplementedHere+": "+what)
}

// IsNotImplemented says whether a was recorded with NotImplemented.
func IsNotImplemented(a Attempt) bool {
	return a.Outcome == Unsupported && strings.HasPrefix(a.Detail, NotImplementedHere)
}

// Await blocks until stdin delivers its first byte or reaches EOF, or d
// passes: the host's go-ahead, given once it has found the container and
// read what it must before the probe acts. A byte leaves stdin open for a
// later Hold. It returns "go" (a byte), "eof" or "timeout".
func Await(stdin io.Reader, d time.Duration) string {
	got := make(chan string, 1)
	go func() {
		var b [1]byte
		for {
			n, err := stdin.Read(b[:])
			switch {
			case n > 0:
				got <- "go"
				return
			case err != nil:
				got <- "eof"
				return
			}
		}
	}()
	select {
	case g := <-got:
		return g
	case <-time.After(d):
		return "timeout"
	}
}

// Hold blocks until stdin reaches EOF or d passes, so the host can read
// kernel counters while the container is still alive. It returns which happened.
func Hold(stdin io.Reader, d time.Duration) string {
	done := make(chan struct{})
	go func() { io.Copy(io.Discard, stdin); close(done) }()
	select {
	case <-done:
		return "eof"
	case <-time.After(d):
		return "timeout"
	}
}
