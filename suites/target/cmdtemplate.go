package target

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
)

// Command runs probes under any runtime a user describes with a command
// template (LC_TARGET_CMD), e.g.
//
//	./myrt run --rootfs {rootfs} --hostname {hostname} --pids-max {pids} --memory {memory} -- {cmd}
//
// The template is split into words with simple shell-like quoting (no shell
// is run) and each placeholder is substituted: {rootfs} {hostname} {pids}
// {memory} (bytes) {cpus} (a CPU quota, e.g. 0.2) {id}, and {cmd}, which expands to the probe's argv as
// separate words (it must be a word of its own). A knob whose placeholder
// is missing cannot be expressed, so its checks skip; weakenings (shares,
// chroot, user namespaces, rootless, hardening) have no placeholder and
// always skip.
type Command struct {
	Label string   // column name (LC_TARGET_NAME, default "cmd")
	Words []string // the parsed template
	// Dir resolves a relative program path (first word containing a "/"),
	// since suites run with the package directory as working directory.
	Dir string
}

// Placeholders a template may use.
const (
	PhRootfs   = "{rootfs}"
	PhHostname = "{hostname}"
	PhPids     = "{pids}"
	PhMemory   = "{memory}"
	PhCPUs     = "{cpus}"
	PhID       = "{id}"
	PhCmd      = "{cmd}"
)

// NewCommand parses tmpl. It must name a program and hold {cmd} as a word.
func NewCommand(label, tmpl, dir string) (*Command, error) {
	words, err := SplitWords(tmpl)
	if err != nil {
		return nil, fmt.Errorf("LC_TARGET_CMD: %w", err)
	}
	if len(words) == 0 {
		return nil, errors.New("LC_TARGET_CMD is empty")
	}
	n := 0
	for _, w := range words {
		if w == PhCmd {
			n++
		} else if strings.Contains(w, PhCmd) {
			return nil, fmt.Errorf("LC_TARGET_CMD: %s must be a word of its own, not part of %q", PhCmd, w)
		}
	}
	if n != 1 {
		return nil, fmt.Errorf("LC_TARGET_CMD: want %s exactly once, found it %d times", PhCmd, n)
	}
	if label == "" {
		label = "cmd"
	}
	return &Command{Label: label, Words: words, Dir: dir}, nil
}

// Name implements Target.
func (c *Command) Name() string { return c.Label }

func (c *Command) has(ph string) bool {
	for _, w := range c.Words {
		if strings.Contains(w, ph) {
			return true
		}
	}
	return false
}

// Can implements Target.
func (c *Command) Can(k Knob) (bool, string) {
	need := map[Knob]string{KnobHostname: PhHostname, KnobPidsMax: PhPids, KnobMemory: PhMemory, KnobCPUs: PhCPUs}
	if ph, ok := need[k]; ok {
		if !c.has(ph) {
			return false, "template has no " + ph
		}
		return true, ""
	}
	switch k {
	case KnobInspect, KnobInheritFD:
		// the container is found as the runtime's deepest descendant; the
		// leaked descriptor is the harness's, handed to any runtime.
		return true, ""
	case KnobChroot, KnobUserNS, KnobRootless, KnobPreserveFDs, KnobWorkdir, KnobCapAdd, KnobSeccompOff, KnobNewPrivs, KnobUnmask, KnobAllowDevices:
		return false, "a command template has no placeholder for " + string(k)
	}
	if isShare(k) {
		return false, "a command template cannot share namespaces"
	}
	return false, "unknown knob"
}

// Argv substitutes o into the template (binary first), pure for tests. An
// unset number becomes "0" and an unset hostname "container": the knob is
// unused then, and the runtime gets a well-formed argument.
func (c *Command) Argv(o RunOpts) []string {
	hostname := o.Hostname
	if hostname == "" {
		hostname = "container"
	}
	r := strings.NewReplacer(PhRootfs, o.Rootfs, PhHostname, hostname, PhPids, strconv.FormatInt(o.PidsMax, 10),
		PhMemory, strconv.FormatInt(o.Memory, 10), PhCPUs, strconv.FormatFloat(o.CPUs, 'g', -1, 64), PhID, o.ID)
	var out []string
	for _, w := range c.Words {
		if w == PhCmd {
			out = append(out, o.Args...)
			continue
		}
		out = append(out, r.Replace(w))
	}
	if p := out[0]; c.Dir != "" && strings.Contains(p, "/") && !filepath.IsAbs(p) {
		out[0] = filepath.Join(c.Dir, p)
	}
	return out
}

// Run implements Target.
func (c *Command) Run(ctx context.Context, o RunOpts) (*Result, error) {
	if ok, why := Supports(c, o); !ok {
		return nil, fmt.Errorf("%w: %s", ErrUnsupported, why)
	}
	if o.ID == "" {
		o.ID = NewID()
	}
	argv := c.Argv(o)
	return execute(ctx, command{Path: argv[0], Args: argv[1:]}, o)
}

// SplitWords splits s like a shell would split a simple command: blanks
// separate words, 'single quotes' keep everything literally, "double
// quotes" keep blanks and honour \" and \\, a backslash outside quotes
// escapes the next character. No expansion of any kind is done.
func SplitWords(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		ch := rs[i]
		switch {
		case ch == ' ' || ch == '\t' || ch == '\n':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case ch == '\\':
			if i+1 >= len(rs) {
				return nil, errors.New("trailing backslash")
			}
			i++
			cur.WriteRune(rs[i])
			inWord = true
		case ch == '\'':
			for i++; i < len(rs) && rs[i] != '\''; i++ {
				cur.WriteRune(rs[i])
			}
			if i >= len(rs) {
				return nil, errors.New("unterminated single quote")
			}
			inWord = true
		case ch == '"':
			i++
			for ; i < len(rs) && rs[i] != '"'; i++ {
				if rs[i] == '\\' && i+1 < len(rs) && (rs[i+1] == '"' || rs[i+1] == '\\') {
					i++
				}
				cur.WriteRune(rs[i])
			}
			if i >= len(rs) {
				return nil, errors.New("unterminated double quote")
			}
			inWord = true
		default:
			cur.WriteRune(ch)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}
