package target

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/little-container/little-container/runtime/capability"
)

// Profile says, as data, how one runtime runs a probe: its command line
// with placeholders (template.go), the files and environment it needs,
// the set-up around it, how it is cleaned up after a timeout or a kill,
// and what it cannot express, with the reason. Every target is one:
// profiles/*.toml ship with the project, LC_TARGET_PROFILE adds a user's,
// LC_TARGET_CMD makes a minimal one from a one-line template. The format
// is documented in docs/lab.md.
type Profile struct {
	// Label is the column name ("name" in the file).
	Label       string `toml:"name"`
	Description string `toml:"description"`
	// Command is the command template; its first word is the program.
	Command string `toml:"command"`
	// Built names the program as one the suites build ("little-container",
	// "seed") instead of one on PATH.
	Built string `toml:"built"`
	// Package is the distribution package that installs the program, for
	// the "not installed" skip.
	Package string `toml:"package"`
	// Requires are other programs the profile needs on PATH.
	Requires []string `toml:"requires"`
	// Bundle: write an OCI bundle from the run's knobs at {bundle}, with
	// the one bundle writer runc, crun and runsc share (package oci).
	Bundle bool `toml:"bundle"`
	// Env is added to the runtime's environment; a variable whose value
	// expands to nothing (an unset knob) is left out.
	Env map[string]string `toml:"env"`
	// Files are written into the run's directory {dir} before it starts.
	Files []File `toml:"file"`
	// Setup is what the runtime needs around it.
	Setup Setup `toml:"setup"`
	// Rootless says which host user runs the runtime for rootless runs.
	Rootless Rootless `toml:"rootless"`
	// Cleanup runs after every run, also after a timeout or a kill, to
	// remove what the runtime may have left (its container, its state).
	Cleanup []string `toml:"cleanup"`
	// CleanupOK are output fragments of a cleanup command that mean "there
	// was nothing left", not a failure.
	CleanupOK []string `toml:"cleanup_ok"`
	// Sandboxed, when set, says why the container's processes are not host
	// processes (a kernel of the runtime's own): the host judges the
	// sandbox through the runtime's host processes instead.
	Sandboxed string `toml:"sandboxed"`
	// Cannot maps each knob the runtime cannot express to the reason.
	Cannot map[string]string `toml:"cannot"`
	// Already maps knobs that need nothing, because the runtime's default
	// already is that weakening, to the reason.
	Already map[string]string `toml:"already"`
	// CannotCombine lists knob combinations the runtime refuses.
	CannotCombine []Combo `toml:"cannot_combine"`
	// Refusals are what the runtime prints when it refuses to start a
	// weakened configuration; such a run skips with the reason.
	Refusals []Refusal `toml:"refusal"`
	// OCI edits the bundle's config.json (with Bundle).
	OCI OCIEdits `toml:"oci"`

	source string      // where it was read from, for messages
	dir    string      // the profile's directory: relative programs resolve here
	words  [][]segment // the parsed Command
	named  map[Knob]bool
	bin    string // the resolved program (Resolve)
}

// File is one file a run needs, written as {dir}/Name with its Content
// expanded line by line (a line whose plain placeholder is unset is left
// out).
type File struct {
	Name    string `toml:"name"`
	Content string `toml:"content"`
}

// Setup is done around the runtime, never on the host itself.
type Setup struct {
	// PrivateMounts runs the runtime in a private mount namespace of its
	// own, where Unmount and BindFiles apply.
	PrivateMounts bool `toml:"private_mounts"`
	// Unmount are mount points removed in that namespace when mounted
	// (e.g. a hybrid host's controller-less cgroup2 mount).
	Unmount []string `toml:"unmount"`
	// BindFiles cover a host file, in that namespace only, with content of
	// the profile's.
	BindFiles []BindFile `toml:"bind_file"`
	// RootfsDirs are created in the run's rootfs first (a runtime that
	// wants /usr or /var/tmp to exist).
	RootfsDirs []string `toml:"rootfs_dirs"`
	// RootfsFiles are created empty in the run's rootfs when absent (mount
	// points a runtime binds files onto but cannot create itself).
	RootfsFiles []string `toml:"rootfs_files"`
}

// BindFile covers Path with Content inside the private mount namespace.
type BindFile struct {
	Path    string `toml:"path"`
	Content string `toml:"content"`
}

// Rootless is the host user a rootless run runs the runtime as.
type Rootless struct {
	UID uint32 `toml:"uid"`
	GID uint32 `toml:"gid"`
}

// Combo is a set of knobs (each entry may list alternatives with "|") the
// runtime cannot honour together.
type Combo struct {
	Knobs  []string `toml:"knobs"`
	Reason string   `toml:"reason"`
}

// Refusal is a runtime's refusal, recognised in its stderr.
type Refusal struct {
	Stderr string `toml:"stderr"`
	Reason string `toml:"reason"`
}

// OCIEdits edits config.json after the bundle writer made it.
type OCIEdits struct {
	// LastCap is the highest capability the runtime knows (runsc 20221219
	// refuses CAP_PERFMON and later): "ALL" then means all up to it.
	LastCap string    `toml:"last_cap"`
	Edits   []OCIEdit `toml:"edit"`
}

// OCIEdit sets, appends to or removes the value at a JSON pointer of
// config.json when its condition (placeholder conditions, e.g.
// "share-net&!rootless"; empty: always) holds. String values are
// expanded as templates.
type OCIEdit struct {
	When  string `toml:"when"`
	Op    string `toml:"op"` // set, append, remove
	Path  string `toml:"path"`
	Value any    `toml:"value"`
}

// ParseProfile reads one profile from TOML text. source names it in
// errors; dir resolves a relative program.
func ParseProfile(text, source, dir string) (*Profile, error) {
	var p Profile
	md, err := toml.Decode(text, &p)
	if err != nil {
		return nil, fmt.Errorf("profile %s: %w", source, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		keys := make([]string, len(und))
		for i, k := range und {
			keys[i] = k.String()
		}
		return nil, fmt.Errorf("profile %s: unknown keys %s", source, strings.Join(keys, ", "))
	}
	p.source, p.dir = source, dir
	if err := p.init(); err != nil {
		return nil, fmt.Errorf("profile %s: %w", source, err)
	}
	return &p, nil
}

// LoadProfile reads a profile file.
func LoadProfile(path string) (*Profile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("profile: %w", err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("profile %s: %w", path, err)
	}
	return ParseProfile(string(b), path, filepath.Dir(abs))
}

// CommandProfile is the minimal profile of a one-line template
// (LC_TARGET_CMD): nothing but the command, so every knob it has no
// placeholder for, and every weakening, cannot be expressed.
func CommandProfile(name, tmpl, dir string) (*Profile, error) {
	p := &Profile{Label: name, Command: tmpl, source: "LC_TARGET_CMD", dir: dir}
	if err := p.init(); err != nil {
		return nil, fmt.Errorf("LC_TARGET_CMD: %w", err)
	}
	return p, nil
}

// init checks the profile and parses its templates: {cmd} exactly once and
// as a word of its own, every placeholder and knob known, every knob in
// Cannot or Already with a reason.
func (p *Profile) init() error {
	if strings.TrimSpace(p.Label) == "" {
		return errors.New("no name")
	}
	words, err := parseTemplateWords(p.Command)
	if err != nil {
		return fmt.Errorf("command: %w", err)
	}
	if len(words) == 0 {
		return errors.New("command is empty")
	}
	p.words = words
	n := 0
	for _, w := range words {
		if len(w) == 1 && w[0].ph != nil && !w[0].ph.cond && w[0].ph.name == "cmd" {
			n++
			continue
		}
		for _, s := range w {
			if s.ph != nil && !s.ph.cond && s.ph.name == "cmd" {
				return fmt.Errorf("command: {cmd} must be a word of its own, not part of %q", joinRaw(w))
			}
		}
	}
	switch {
	case p.Bundle && n != 0:
		return errors.New("command: a bundle profile has no {cmd}: the probe's argv is in the bundle's config.json")
	case !p.Bundle && n != 1:
		return fmt.Errorf("command: want {cmd} exactly once, found it %d times", n)
	}
	p.named = map[Knob]bool{}
	direct := map[Knob]bool{} // named other than through {share}
	var errs []string
	note := func(where string, segs []segment) {
		walkNames(segs, func(name string, ph *placeholder) {
			ks, ok := knobsOf(name)
			switch {
			case !ok:
				errs = append(errs, fmt.Sprintf("%s: unknown placeholder {%s} in %s (known: %s)", where, name, ph.raw, strings.Join(PlaceholderNames(), " ")))
			case name == "bundle" && !p.Bundle:
				errs = append(errs, where+": {bundle} needs bundle = true")
			case name == "cmd" && where != "command":
				errs = append(errs, where+": {cmd} belongs in the command")
			}
			for _, k := range ks {
				p.named[k] = true
				if name != "share" {
					direct[k] = true
				}
			}
		})
	}
	for _, w := range words {
		note("command", w)
	}
	texts := map[string]string{}
	for k, v := range p.Env {
		texts["env "+k] = v
	}
	for _, f := range p.Files {
		if f.Name == "" || strings.Contains(f.Name, "/") {
			errs = append(errs, fmt.Sprintf("file %q: want a plain file name", f.Name))
		}
		texts["file "+f.Name] = f.Content
	}
	for i, b := range p.Setup.BindFiles {
		if !filepath.IsAbs(b.Path) {
			errs = append(errs, fmt.Sprintf("bind_file %q: want an absolute path", b.Path))
		}
		texts[fmt.Sprintf("bind_file %d", i)] = b.Content
	}
	for i, c := range p.Cleanup {
		texts[fmt.Sprintf("cleanup %d", i)] = c
	}
	if p.OCI.LastCap != "" {
		if _, err := capability.Parse(p.OCI.LastCap); err != nil || !p.Bundle {
			errs = append(errs, fmt.Sprintf("oci last_cap %q: want a capability name, with bundle = true", p.OCI.LastCap))
		}
	}
	for i, e := range p.OCI.Edits {
		if !p.Bundle {
			errs = append(errs, "oci edits need bundle = true")
		}
		if !slices.Contains([]string{"set", "append", "remove"}, e.Op) || !strings.HasPrefix(e.Path, "/") {
			errs = append(errs, fmt.Sprintf("oci edit %d: want op set, append or remove and a /json/pointer path", i))
		}
		if e.When != "" {
			texts[fmt.Sprintf("oci edit %d", i)] = "{" + e.When + ":x}"
		}
		if s, ok := e.Value.(string); ok {
			texts[fmt.Sprintf("oci edit %d value", i)] = s
		}
	}
	for where, t := range texts {
		for _, line := range strings.Split(t, "\n") {
			segs, err := parseSegments(line)
			if err != nil {
				errs = append(errs, fmt.Sprintf("%s: %v", where, err))
				continue
			}
			note(where, segs)
		}
	}
	if p.Bundle {
		for _, k := range BundleKnobs {
			p.named[k] = true
		}
	}
	for k := range p.Cannot {
		// What the runtime cannot do is not expressed, whatever writes it.
		delete(p.named, Knob(k))
	}
	for table, m := range map[string]map[string]string{"cannot": p.Cannot, "already": p.Already} {
		for k, why := range m {
			switch {
			case !knownKnob(Knob(k)):
				errs = append(errs, fmt.Sprintf("[%s]: unknown knob %q (known: %s)", table, k, knobList()))
			case strings.TrimSpace(why) == "":
				errs = append(errs, fmt.Sprintf("[%s] %s: no reason given", table, k))
			case table == "cannot" && direct[Knob(k)]:
				errs = append(errs, fmt.Sprintf("[cannot] %s: the profile expresses it too", k))
			}
		}
	}
	for k := range p.Cannot {
		if _, both := p.Already[k]; both {
			errs = append(errs, fmt.Sprintf("%s is in both [cannot] and [already]", k))
		}
	}
	for _, c := range p.CannotCombine {
		if c.Reason == "" || len(c.Knobs) < 2 {
			errs = append(errs, "cannot_combine: want two or more knobs and a reason")
		}
		for _, alt := range c.Knobs {
			for _, k := range strings.Split(alt, "|") {
				if !knownKnob(Knob(k)) {
					errs = append(errs, fmt.Sprintf("cannot_combine: unknown knob %q", k))
				}
			}
		}
	}
	for _, r := range p.Refusals {
		if r.Stderr == "" || r.Reason == "" {
			errs = append(errs, "refusal: want stderr and reason")
		}
	}
	if len(errs) > 0 {
		sort.Strings(errs)
		return errors.New(strings.Join(errs, "; "))
	}
	return nil
}

func joinRaw(w []segment) string {
	var b strings.Builder
	for _, s := range w {
		if s.ph != nil {
			b.WriteString(s.ph.raw)
		} else {
			b.WriteString(s.lit)
		}
	}
	return b.String()
}

// PlaceholderNames lists every name a template may use.
func PlaceholderNames() []string {
	names := slices.Clone(runValues)
	for _, k := range AllKnobs() {
		names = append(names, string(k))
	}
	for n := range placeholderKnobs {
		names = append(names, n)
	}
	sort.Strings(names)
	return slices.Compact(names)
}

func knobList() string {
	var s []string
	for _, k := range AllKnobs() {
		s = append(s, string(k))
	}
	return strings.Join(s, " ")
}

// Name implements Target.
func (p *Profile) Name() string { return p.Label }

// program is the command's first word as the profile writes it.
func (p *Profile) program() string {
	if len(p.words) == 0 || !allLiteral(p.words[0]) {
		return ""
	}
	return p.words[0][0].lit
}

// Resolve finds the program and every program the profile requires: a
// built one from the suite's artifacts (built), a relative path against
// the profile's directory, a bare name on PATH. An error says what is not
// installed, for the column's skip.
func (p *Profile) Resolve(built map[string]string) error {
	prog := p.program()
	if prog == "" {
		return fmt.Errorf("%s: the command's first word must be the program, not a placeholder", p.Label)
	}
	switch {
	case p.Built != "":
		path, ok := built[p.Built]
		if !ok || path == "" {
			return fmt.Errorf("%s not built: %s", p.Built, built[p.Built+"-error"])
		}
		p.bin = path
	case strings.Contains(prog, "/"):
		path := prog
		if !filepath.IsAbs(path) {
			path = filepath.Join(p.dir, path)
		}
		if st, err := os.Stat(path); err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
			return fmt.Errorf("%s: program %s is not an executable file", p.Label, path)
		}
		p.bin = path
	default:
		path, err := exec.LookPath(prog)
		if err != nil {
			return p.notInstalled(prog)
		}
		p.bin = path
	}
	req := slices.Clone(p.Requires)
	if p.wrapped() {
		req = append(req, "unshare", "sh", "mountpoint", "mount", "umount")
	}
	for _, r := range req {
		if _, err := exec.LookPath(r); err != nil {
			return p.notInstalled(r)
		}
	}
	return nil
}

func (p *Profile) notInstalled(prog string) error {
	if p.Package != "" {
		return fmt.Errorf("not installed: %s (%s not on PATH; Debian/Ubuntu package %s)", p.Label, prog, p.Package)
	}
	return fmt.Errorf("not installed: %s (%s not on PATH)", p.Label, prog)
}

// Can implements Target: the harness's own knobs always; a knob in
// [cannot] never, with its reason; a knob in [already], or one a
// placeholder (or the bundle writer) expresses, yes.
func (p *Profile) Can(k Knob) (bool, string) {
	if slices.Contains(harnessKnobs, k) {
		return true, ""
	}
	if why, ok := p.Cannot[string(k)]; ok {
		return false, why
	}
	if why, ok := p.Already[string(k)]; ok {
		return true, why
	}
	if p.named[k] {
		return true, ""
	}
	if !knownKnob(k) {
		return false, "unknown knob"
	}
	if p.source == "LC_TARGET_CMD" {
		return false, "the template has no " + placeholderFor(k) + " (a profile file can say more: docs/lab.md)"
	}
	return false, fmt.Sprintf("profile %s neither expresses %s nor declares it impossible", p.source, k)
}

// placeholderFor names the placeholder that expresses k, for messages.
func placeholderFor(k Knob) string {
	switch k {
	case KnobPidsMax:
		return "{pids}"
	case KnobIDMap:
		return "{uid-map}/{gid-map}"
	}
	if isShare(k) {
		return "{" + string(k) + "} or {share}"
	}
	return "{" + string(k) + "}"
}

// CanRun refuses the knob combinations of [[cannot_combine]].
func (p *Profile) CanRun(o RunOpts) (bool, string) {
	needs := Needs(o)
	for _, c := range p.CannotCombine {
		all := true
		for _, alt := range c.Knobs {
			any := false
			for _, k := range strings.Split(alt, "|") {
				any = any || slices.Contains(needs, Knob(k))
			}
			all = all && any
		}
		if all {
			return false, fmt.Sprintf("%s cannot combine %s: %s", p.Label, strings.Join(c.Knobs, " with "), c.Reason)
		}
	}
	return true, ""
}

// Missing lists the knobs the profile neither expresses nor declares, for
// the unit test that every shipped profile covers every knob.
func (p *Profile) Missing() []Knob {
	var out []Knob
	for _, k := range AllKnobs() {
		_, no := p.Cannot[string(k)]
		_, already := p.Already[string(k)]
		if !no && !already && !p.named[k] {
			out = append(out, k)
		}
	}
	return out
}

// Source says where the profile was read from.
func (p *Profile) Source() string { return p.source }
