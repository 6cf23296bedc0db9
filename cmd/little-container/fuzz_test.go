package main

// Fuzz tests of `run`'s command line. The fuzzer's bytes are decoded into
// flags and values, so every input is a plausible command line; flags that
// name host paths (--rootfs, --pid-file, --state-dir, a volume's host side)
// always point into a sandbox directory, never where the fuzzer says, and
// the command is always `true`. `go test` runs the seeds below; `make fuzz`
// runs a longer, time-bounded search.

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/little-container/little-container/runtime"
)

// fuzzFlags are run's flags with a value, and the interesting values of
// each; the fuzzer may also pick its own bytes as the value.
var fuzzFlags = []struct {
	name   string
	values []string
}{
	{"--user", []string{"0", "1000:1000", "2147483647", "2147483648", "4294967295", "4294967296", "99999999999", "1000:4294967296", "-1", "0x10", "", ":"}},
	{"--pids-max", []string{"1", "0", "-1", "4194304", "4194305", "9223372036854775807", "9223372036854775808", "010", "1e3"}},
	{"--memory", []string{"32M", "512K", "1", "0", "-1", "8E", "9999999T", "1.5M", "2M"}},
	{"--cpus", []string{"0.5", "0", "-1", "NaN", "Inf", "1e300", "0.001", "1024", "1025", "0x1p-2"}},
	{"--preserve-fds", []string{"0", "1", "3", "-1", "1025", "99999999999999999999"}},
	{"--hostname", []string{"box", "a_b", "-x", strings.Repeat("h", 65), "a\nb", "a..b"}},
	{"--id", []string{"fz-a", "fz_b", "fz..", "fz/x"}},
	{"--share", []string{"pid", "mnt", "time", "user", "uts", "bogus", "pid,,net", ""}},
	{"--env", []string{"A=1", "=x", "NOEQ", "PATH=/bin"}},
	{"--workdir", []string{"/", "/tmp", "rel", "/nonexistent"}},
	{"--cap-add", []string{"ALL", "NET_RAW", "bogus", "sys_admin"}},
	{"--cap-drop", []string{"ALL", "CHOWN", "nope"}},
	{"--seccomp", []string{"default", "unconfined", "x"}},
	{"--uid-map", []string{"0:0:65536", "0:100000:1", "0:4294967295:1", "0:0:0", "1:1:1", "x"}},
	{"--gid-map", []string{"0:0:65536", "0:1000:1", "4294967294:0:2", "a:b:c"}},
	{"--tmpfs", []string{"/tmp", "/", "/proc/x", "rel", "/a/../b"}},
	{"--volume", []string{"/etc/x", "/", ":ro", "/v:rw", "/v:ro:x", "/proc/sys"}},
	{"-v", []string{"/x:ro", "/y"}},
	{"--user", []string{"alice", "alice:staff", "0:staff", "-x", "a:b:c", "4294967296", "a b"}},
	{"--net", []string{"none", "slirp", "slirp:host-loopback", "bridge", ""}},
	{"--publish", []string{"8080:80", "127.0.0.1:1:2/udp", "0:1", "a:b", "1:2/sctp"}},
	{"-e", []string{"A=1", "=x", "A"}},
}

// fuzzBools are run's flags without a value.
var fuzzBools = []string{"--rootless", "--userns", "--chroot", "--allow-new-privileges", "--unmask", "--allow-devices",
	"--read-only", "--unsafe-follow-rootfs-links", "--help", "-h", "--tty", "-t", "--init"}

// pathFlags name host paths: never taken from the fuzzer.
var pathFlags = map[string]bool{"rootfs": true, "pid-file": true, "state-dir": true, "volume": true, "v": true}

// decodeArgs turns fuzz bytes into run's arguments (without "run"), with
// every host path inside sandbox.
func decodeArgs(data []byte, sandbox string) []string {
	next := func() int {
		if len(data) == 0 {
			return 0
		}
		b := data[0]
		data = data[1:]
		return int(b)
	}
	take := func() string {
		n := next() % 24
		if n > len(data) {
			n = len(data)
		}
		s := strings.ReplaceAll(string(data[:n]), "\x00", "") // no argv can hold a NUL
		data = data[n:]
		return s
	}
	args := []string{"--rootfs", filepath.Join(sandbox, "rootfs"), "--state-dir", filepath.Join(sandbox, "state"),
		"--pid-file", filepath.Join(sandbox, "pid")}
	for n := next() % 8; n > 0; n-- {
		switch k := next(); {
		case k < 160:
			f := fuzzFlags[k%len(fuzzFlags)]
			v := f.values[next()%len(f.values)]
			if next()%4 == 0 {
				v = take()
			}
			switch f.name {
			case "--volume", "-v": // the host side is always the sandbox's
				v = filepath.Join(sandbox, "vol") + ":" + strings.TrimPrefix(v, "/")
				if !strings.HasPrefix(strings.SplitN(v, ":", 2)[1], "/") {
					v = strings.Replace(v, ":", ":/", 1)
				}
			case "--id":
				v = "fz-" + v
			}
			if next()%3 == 0 {
				args = append(args, f.name+"="+v)
			} else {
				args = append(args, f.name, v)
			}
		case k < 230:
			args = append(args, fuzzBools[k%len(fuzzBools)])
		default: // a token of the fuzzer's own, unless it names a path flag
			tok := take()
			name, _, _ := strings.Cut(strings.TrimLeft(tok, "-"), "=")
			if pathFlags[name] {
				continue
			}
			args = append(args, tok)
		}
	}
	return append(args, "true")
}

var fuzzSeeds = [][]byte{
	{}, {1, 0, 0}, {1, 0, 7}, {1, 0, 6}, {2, 0, 8, 1, 3}, {1, 1, 5}, {1, 2, 1}, {1, 3, 3}, {1, 4, 2},
	{1, 5, 4}, {1, 6, 1}, {1, 7, 2}, {1, 10, 2}, {1, 13, 2}, {2, 161, 13, 2}, {1, 14, 3}, {1, 15, 1},
	{1, 16, 2}, {1, 17, 1}, {1, 233, 5, '-', '-', 'n', 'o', 'p', 'e'}, {1, 233, 3, '-', 'v', '='},
	{3, 161, 166, 15, 0}, {1, 0, 0, 0, 4, '1', '2', '3', '4'}, {1, 233, 8, '-', '-', 'r', 'o', 'o', 't', 'f', 's'},
	{2, 168, 169}, {1, 4, 1}, {1, 2, 7},
}

// checkSpec fails when parseRun accepted a value it must not.
func checkSpec(t *testing.T, args []string, s runtime.Spec) {
	t.Helper()
	bad := func(format string, a ...any) {
		t.Helper()
		t.Errorf("%q accepted: "+format, append([]any{args}, a...)...)
	}
	if s.UID < 0 || s.UID > runtime.MaxID || s.GID < 0 || s.GID > runtime.MaxID {
		bad("user %d:%d", s.UID, s.GID)
	}
	r := s.Resources
	if r.PidsMax < 0 || r.MemoryMax < 0 || (r.MemoryMax > 0 && r.MemoryMax < 1024) || r.CPUQuota < 0 || (r.CPUQuota > 0 && r.CPUQuota < 1000) {
		bad("limits %+v", r)
	}
	if s.PreserveFDs < 0 || s.PreserveFDs > 1024 {
		bad("preserve-fds %d", s.PreserveFDs)
	}
	for _, m := range append(append([]runtime.IDMap{}, s.UIDMap...), s.GIDMap...) {
		if m.Size < 1 || m.Container < 0 || m.Host < 0 || m.Container+m.Size-1 > 1<<32-2 || m.Host+m.Size-1 > 1<<32-2 {
			bad("id map %v", m)
		}
	}
	for _, v := range s.Volumes {
		if !strings.HasPrefix(v.Container, "/") || v.Container == "/" || strings.HasPrefix(v.Container, "/proc") {
			bad("volume %+v", v)
		}
	}
	if s.UserName != "" && !runtime.ValidName(s.UserName) || s.GroupName != "" && !runtime.ValidName(s.GroupName) {
		bad("user name %q:%q", s.UserName, s.GroupName)
	}
	for _, p := range s.Publish {
		if p.HostPort < 1 || p.HostPort > 65535 || p.ContainerPort < 1 || p.ContainerPort > 65535 || s.Net != runtime.NetSlirp {
			bad("publish %+v with net %q", p, s.Net)
		}
	}
	if err := s.Validate(); err != nil {
		bad("but Validate says %v", err)
	}
}

// FuzzRunFlags drives the flag parsing and checks of `run` in-process.
func FuzzRunFlags(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	sandbox := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		args := decodeArgs(data, sandbox)
		s, _, err := parseRun(args)
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		if err != nil {
			if code := runtime.ExitCode(err); code != 125 {
				t.Errorf("%q: error %v has exit code %d, want 125", args, err, code)
			}
			if msg := oneLine(err); msg == "" || strings.ContainsAny(msg, "\n\r") {
				t.Errorf("%q: message %q is not one line", args, msg)
			}
			return
		}
		checkSpec(t, args, s)
	})
}

// FuzzRunCLI runs the real binary (as root) on the same command lines:
// no panic or Go trace, only the exit codes the CLI documents, one line on
// error, and never a success where the parser refuses.
func FuzzRunCLI(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	sandbox := f.TempDir()
	os.Chmod(sandbox, 0o755)
	f.Fuzz(func(t *testing.T, data []byte) {
		needRoot(t)
		if _, err := os.Stat(filepath.Join(sandbox, "rootfs/bin/true")); err != nil {
			os.RemoveAll(filepath.Join(sandbox, "rootfs"))
			if err := os.Rename(makeRootfs(t), filepath.Join(sandbox, "rootfs")); err != nil {
				t.Fatal(err)
			}
			os.MkdirAll(filepath.Join(sandbox, "vol"), 0o755)
		}
		args := append([]string{"run"}, decodeArgs(data, sandbox)...)
		r := lc(t, testCtx(t), args...)
		if r.signal != 0 {
			t.Fatalf("%q: the runtime was killed by %v: %s", args, r.signal, r.stderr)
		}
		code, stderr := r.code, r.stderr
		if strings.Contains(stderr, "panic") || strings.Contains(stderr, "goroutine ") {
			t.Errorf("%q: a Go panic or trace: %s", args, stderr)
		}
		switch {
		case code == 0, code == 125, code == 126, code == 127, code > 128 && code <= 128+64:
		default:
			t.Errorf("%q: exit %d is none of 0, 125, 126, 127, 128+N", args, code)
		}
		if code == 125 && strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
			t.Errorf("%q: error is not one line: %q", args, stderr)
		}
		if _, _, perr := parseRun(args[1:]); perr != nil && !errors.Is(perr, flag.ErrHelp) && code == 0 {
			t.Errorf("%q: exit 0, yet the parser refuses it: %v", args, perr)
		}
	})
}
