package target

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/hashicorp/go-multierror"

	"github.com/little-container/little-container/probes"
	"github.com/little-container/little-container/runtime/cgroups"
)

// stalled remembers, per column, a runtime that never started the probe:
// the rest of its checks in this process are not each left to time out.
var stalled sync.Map

// cleanupTimeout bounds one cleanup command.
const cleanupTimeout = 30 * time.Second

// Run implements Target: lay out the run's directory (bundle, files,
// state), expand the command, run it in the profile's set-up, and clean up
// after it whatever happened.
func (p *Profile) Run(ctx context.Context, o RunOpts) (res *Result, err error) {
	if ok, why := Supports(p, o); !ok {
		return nil, fmt.Errorf("%w: %s", ErrUnsupported, why)
	}
	if p.bin == "" {
		return nil, fmt.Errorf("%w: %s: program not resolved", ErrUnsupported, p.Label)
	}
	if msg, ok := stalled.Load(p.Label); ok {
		return nil, fmt.Errorf("not run: an earlier check of this column found that %v", msg)
	}
	if o.ID == "" {
		o.ID = NewID()
	}
	var cred *syscall.Credential
	if o.Rootless {
		if os.Geteuid() != 0 {
			return nil, fmt.Errorf("%w: rootless %s runs are made by root as an unprivileged user", ErrUnsupported, p.Label)
		}
		uid, gid := p.Rootless.ids()
		cred = &syscall.Credential{Uid: uid, Gid: gid, Groups: []uint32{}}
	}
	dir, err := os.MkdirTemp("", "lc-"+p.Label+"-")
	if err != nil {
		return nil, fmt.Errorf("run dir: %w", err)
	}
	defer func() {
		if rerr := os.RemoveAll(dir); rerr != nil {
			err = multierror.Append(err, fmt.Errorf("remove %s: %w", dir, rerr)).ErrorOrNil()
		}
	}()
	vals, err := p.prepare(dir, o, cred)
	if err != nil {
		return nil, err
	}
	if cg := bundleCgroupsPath(o); p.Bundle && cg != "" {
		recordBundleCgroup(cg) // SweepBundleCgroups, after the spec
	}
	argv, err := expandArgv(p.words, vals, o.Args)
	if err != nil {
		return nil, fmt.Errorf("%s command: %w", p.Label, err)
	}
	argv[0] = p.bin
	env, err := p.environ(vals)
	if err != nil {
		return nil, err
	}
	c := command{Env: env, Cred: cred, PIDFile: filepath.Join(dir, "pid"), Dir: dir, ID: IdentityOf(o.Args), Sandboxed: p.Sandboxed}
	host, err := p.hostArgv(argv, cred, dir)
	if err != nil {
		return nil, err
	}
	c.Path, c.Args = host[0], host[1:]
	if p.wrapped() {
		c.Cred = nil // the wrapper starts as root and drops to the user itself
	}
	cleaned := false
	c.cleanup = func() error { cleaned = true; return p.cleanup(vals, cred, dir, env) }
	defer func() {
		if cleaned {
			return
		}
		if cerr := p.cleanup(vals, cred, dir, env); cerr != nil {
			err = multierror.Append(err, cerr).ErrorOrNil()
		}
	}()
	res, err = execute(ctx, c, o)
	if res != nil {
		res.Runtime = filepath.Base(p.bin)
	}
	if errors.Is(err, ErrNotStarted) {
		stalled.Store(p.Label, err.Error())
	}
	if err == nil && res.DecodeErr != nil {
		for _, r := range p.Refusals {
			if strings.Contains(string(res.Stderr), r.Stderr) {
				// The runtime would not start this weakened configuration
				// at all: the weakening cannot be expressed, the check
				// skips, saying so.
				return res, fmt.Errorf("%w: %s refused the configuration (%q): %s", ErrUnsupported, p.Label, r.Stderr, r.Reason)
			}
		}
	}
	return res, err
}

// IdentityOf is the identity of a probe run with argv: the argv itself,
// and the nonce of the fingerprints it carries.
func IdentityOf(argv []string) Identity {
	id := Identity{Args: argv}
	for i := 0; i+1 < len(argv); i++ {
		if argv[i] == "--fp" || argv[i] == "-fp" {
			if fp, err := probes.DecodeFingerprints(argv[i+1]); err == nil {
				id.Nonce = fp.Nonce
			}
		}
	}
	return id
}

// linkOnPath says whether a component of rel below rootfs is a symbolic
// link: the set-up then leaves that path alone, so that laying out a
// hostile rootfs (whose etc may point out of it) never writes outside it.
func linkOnPath(rootfs, rel string) bool {
	p := rootfs
	for _, c := range strings.Split(filepath.Clean("/"+rel), "/") {
		if c == "" {
			continue
		}
		p = filepath.Join(p, c)
		st, err := os.Lstat(p)
		if err != nil {
			return false // absent from here on: created as plain directories
		}
		if st.Mode()&os.ModeSymlink != 0 {
			return true
		}
	}
	return false
}

// prepare lays out the run directory and returns the run's values.
func (p *Profile) prepare(dir string, o RunOpts, cred *syscall.Credential) (values, error) {
	vals := p.values(dir, o)
	state := filepath.Join(dir, "state")
	if err := os.Mkdir(state, 0o700); err != nil {
		return nil, fmt.Errorf("state dir: %w", err)
	}
	if cred != nil {
		// The runtime writes its pid file and state as that user.
		for _, d := range []string{dir, state} {
			if err := os.Chown(d, int(cred.Uid), int(cred.Gid)); err != nil {
				return nil, fmt.Errorf("chown %s: %w", d, err)
			}
		}
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		return nil, fmt.Errorf("chmod %s: %w", dir, err)
	}
	for _, d := range p.Setup.RootfsDirs {
		if linkOnPath(o.Rootfs, d) {
			continue // a hostile rootfs: never write through its links
		}
		if err := os.MkdirAll(filepath.Join(o.Rootfs, filepath.Clean("/"+d)), 0o755); err != nil {
			return nil, fmt.Errorf("%s set-up: %w", p.Label, err)
		}
	}
	for _, f := range p.Setup.RootfsFiles {
		if linkOnPath(o.Rootfs, f) {
			continue
		}
		path := filepath.Join(o.Rootfs, filepath.Clean("/"+f))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, fmt.Errorf("%s set-up: %w", p.Label, err)
		}
		fh, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE, 0o644)
		if err != nil {
			return nil, fmt.Errorf("%s set-up: %w", p.Label, err)
		}
		fh.Close()
	}
	files, err := p.files(o, vals)
	if err != nil {
		return nil, err
	}
	for name, text := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, fmt.Errorf("%s: %w", p.Label, err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			return nil, fmt.Errorf("%s: %w", p.Label, err)
		}
	}
	return vals, nil
}

// values are the placeholder values of one run in dir.
func (p *Profile) values(dir string, o RunOpts) values {
	vals := knobValues(o)
	if m, err := cgroups.Detect(); err == nil && m == cgroups.ModeUnified {
		vals["cgroup-v2"] = one("1")
	}
	uid, gid := p.Rootless.ids()
	for k, v := range map[string]string{
		"rootfs": o.Rootfs, "id": o.ID, "pidfile": filepath.Join(dir, "pid"), "dir": dir, "state": filepath.Join(dir, "state"),
		"uid": strconv.Itoa(int(uid)), "gid": strconv.Itoa(int(gid)), "harness-pid": strconv.Itoa(os.Getpid()),
	} {
		vals[k] = one(v)
	}
	if p.Bundle {
		vals["bundle"] = one(filepath.Join(dir, "bundle"))
	}
	return vals
}

// files are the run directory's files, by name relative to it: the
// bundle's config.json, the profile's files, the bind files' content.
func (p *Profile) files(o RunOpts, vals values) (map[string]string, error) {
	out := map[string]string{}
	if p.Bundle {
		cfg, err := p.BundleConfig(o, vals, HostBounding())
		if err != nil {
			return nil, fmt.Errorf("%s bundle: %w", p.Label, err)
		}
		out[filepath.Join("bundle", "config.json")] = string(cfg)
	}
	for _, f := range p.Files {
		text, err := expandLines(f.Content, vals)
		if err != nil {
			return nil, fmt.Errorf("%s file %s: %w", p.Label, f.Name, err)
		}
		out[f.Name] = text
	}
	for i, b := range p.Setup.BindFiles {
		text, err := expandLines(b.Content, vals)
		if err != nil {
			return nil, fmt.Errorf("%s bind_file %s: %w", p.Label, b.Path, err)
		}
		out[bindName(i)] = text
	}
	return out, nil
}

// DryRun shows what Run would do for o, without doing it: the host
// command line, the environment the profile adds, the files of the run
// directory (shown as /tmp/lc-NAME-RUN).
func (p *Profile) DryRun(o RunOpts) (string, error) {
	if o.ID == "" {
		o.ID = "lc-p1-0123abcd"
	}
	if o.Rootfs == "" {
		o.Rootfs = "/tmp/lc-rootfs-RUN"
	}
	if len(o.Args) == 0 {
		o.Args = []string{"/probe", "ns", "-hold"}
	}
	dir := "/tmp/lc-" + p.Label + "-RUN"
	vals := p.values(dir, o)
	argv, err := expandArgv(p.words, vals, o.Args)
	if err != nil {
		return "", err
	}
	if p.bin != "" {
		argv[0] = p.bin
	}
	var cred *syscall.Credential
	if o.Rootless {
		uid, gid := p.Rootless.ids()
		cred = &syscall.Credential{Uid: uid, Gid: gid}
	}
	host, err := p.hostArgv(argv, cred, dir)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	q := make([]string, len(host))
	for i, w := range host {
		q[i] = shellWord(w)
	}
	fmt.Fprintf(&b, "command: %s\n", strings.Join(q, " "))
	if cred != nil && !p.wrapped() {
		fmt.Fprintf(&b, "as: uid %d gid %d\n", cred.Uid, cred.Gid)
	}
	env, err := p.environ(vals)
	if err != nil {
		return "", err
	}
	for _, e := range env[len(os.Environ()):] {
		fmt.Fprintf(&b, "env: %s\n", e)
	}
	files, err := p.files(o, vals)
	if err != nil {
		return "", err
	}
	for name, text := range files {
		fmt.Fprintf(&b, "file %s:\n%s\n", filepath.Join(dir, name), strings.TrimRight(text, "\n"))
	}
	for _, d := range p.Setup.RootfsDirs {
		fmt.Fprintf(&b, "mkdir: %s\n", filepath.Join(o.Rootfs, d))
	}
	for _, f := range p.Setup.RootfsFiles {
		fmt.Fprintf(&b, "touch: %s\n", filepath.Join(o.Rootfs, f))
	}
	return b.String(), nil
}

// shellWord quotes w for display when it needs it.
func shellWord(w string) string {
	if w != "" && strings.IndexFunc(w, func(r rune) bool {
		return !strings.ContainsRune("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%", r)
	}) < 0 {
		return w
	}
	return shellQuote(w)
}

func bindName(i int) string { return fmt.Sprintf("bind-%d", i) }

// expandLines expands a file's content line by line; a line whose plain
// placeholder is unset, or that expands to nothing, is left out.
func expandLines(content string, vals values) (string, error) {
	var out []string
	for _, line := range strings.Split(content, "\n") {
		segs, err := parseSegments(line)
		if err != nil {
			return "", err
		}
		s, ok, err := expandText(segs, vals)
		if err != nil {
			return "", err
		}
		if ok && (s != "" || strings.TrimSpace(line) == "") {
			out = append(out, s)
		}
	}
	return strings.Join(out, "\n"), nil
}

// environ is the harness's environment plus the profile's.
func (p *Profile) environ(vals values) ([]string, error) {
	env := os.Environ()
	for k, v := range p.Env {
		segs, err := parseSegments(v)
		if err != nil {
			return nil, fmt.Errorf("%s env %s: %w", p.Label, k, err)
		}
		s, ok, err := expandText(segs, vals)
		if err != nil {
			return nil, fmt.Errorf("%s env %s: %w", p.Label, k, err)
		}
		if ok && s != "" {
			env = append(env, k+"="+s)
		}
	}
	return env, nil
}

func (p *Profile) wrapped() bool { return p.Setup.PrivateMounts }

// hostArgv is the command line that runs argv on the host: as is, or in a
// private mount namespace (unshare execs sh, sh execs the runtime, so the
// pid started is the runtime's own) where the set-up's unmounts and bind
// files apply; a rootless run drops to its user there, with setpriv,
// right before the runtime starts.
func (p *Profile) hostArgv(argv []string, cred *syscall.Credential, dir string) ([]string, error) {
	if !p.wrapped() {
		return argv, nil
	}
	var script []string
	for _, m := range p.Setup.Unmount {
		script = append(script, fmt.Sprintf("if mountpoint -q %s; then umount %s; fi", shellQuote(m), shellQuote(m)))
	}
	for i, b := range p.Setup.BindFiles {
		script = append(script, fmt.Sprintf("mount --bind %s %s", shellQuote(filepath.Join(dir, bindName(i))), shellQuote(b.Path)))
	}
	script = append(script, `exec "$0" "$@"`)
	out := []string{"unshare", "-m", "--propagation", "private", "sh", "-e", "-c", strings.Join(script, "\n")}
	if cred != nil {
		out = append(out, "setpriv", "--reuid", strconv.Itoa(int(cred.Uid)), "--regid", strconv.Itoa(int(cred.Gid)), "--clear-groups")
	}
	return append(out, argv...), nil
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// cleanup runs the profile's cleanup commands, in the run's set-up and as
// its user; output naming "nothing to remove" is not a failure.
func (p *Profile) cleanup(vals values, cred *syscall.Credential, dir string, env []string) error {
	var errs *multierror.Error
	for _, t := range p.Cleanup {
		words, err := parseTemplateWords(t)
		if err != nil {
			errs = multierror.Append(errs, err)
			continue
		}
		argv, err := expandArgv(words, vals, nil)
		if err != nil || len(argv) == 0 {
			errs = multierror.Append(errs, fmt.Errorf("%s cleanup %q: %v", p.Label, t, err))
			continue
		}
		if argv[0] == p.program() {
			argv[0] = p.bin
		}
		host, err := p.hostArgv(argv, cred, dir)
		if err != nil {
			errs = multierror.Append(errs, err)
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
		cmd := exec.CommandContext(ctx, host[0], host[1:]...)
		cmd.Env, cmd.Dir = env, dir
		cmd.Stdin = strings.NewReader("") // never the host's /dev/null (see execute)
		if !p.wrapped() {
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		}
		out, err := cmd.CombinedOutput()
		cancel()
		if err != nil && !p.nothingLeft(string(out)) {
			errs = multierror.Append(errs, fmt.Errorf("%s cleanup %q: %w: %s", p.Label, strings.Join(argv, " "), err, strings.TrimSpace(string(out))))
		}
	}
	return errs.ErrorOrNil()
}

func (p *Profile) nothingLeft(out string) bool {
	for _, ok := range p.CleanupOK {
		if strings.Contains(out, ok) {
			return true
		}
	}
	return false
}
