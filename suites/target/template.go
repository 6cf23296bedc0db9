package target

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// A template is a command line (or a line of a file, or an environment
// value) with placeholders, the way a profile says how its runtime
// expresses a run:
//
//	{rootfs}                       a value, always set
//	{pids}                         a knob's value; the word is dropped when the
//	                               check leaves the knob unset, together with
//	                               the option word just before it
//	                               ("--pids-max {pids}", "-s uts={hostname}")
//	{pids:--pids-max %}            a conditional fragment: the words after ':'
//	                               when the knob is set, % standing for its
//	                               value; nothing when it is unset
//	{!share-net:--private-network} the fragment when the knob is unset
//	{share-net&!rootless:...}      several conditions, all must hold; % is the
//	                               first one's value
//	{cap-add|cap:--cap-add %}      filters turn the value first (lower, upper,
//	                               cap, nocap, join, mib, kib); a list knob
//	                               repeats the fragment once per value unless
//	                               joined
//	{volume-ro:--ro-bind %1 %2}    %1 … %9 are the value's ':'-separated
//	                               fields (a volume's are host, container
//	                               and kind: "file" or "dir")
//	{cmd}                          the probe's argv, as words of their own
//
// Fragments may hold placeholders themselves ("{rootless:--root {state}}").
// No shell ever runs a template: words are split with shell-like quoting
// and nothing else is expanded.

// segment is literal text or one placeholder of a template.
type segment struct {
	lit string
	ph  *placeholder
}

// placeholder is one {...} of a template.
type placeholder struct {
	raw     string // as written, for messages
	name    string // value name: the plain form's, or the first condition's
	conds   []cond // conditional form only
	filters []string
	frag    string // the fragment's text (conditional form)
	cond    bool   // the conditional form
}

type cond struct {
	name string
	neg  bool
}

// filters a placeholder may name.
var filters = map[string]func(string) string{
	"lower": strings.ToLower,
	"upper": strings.ToUpper,
	"cap": func(s string) string { // SYS_ADMIN -> CAP_SYS_ADMIN; ALL stays
		s = strings.ToUpper(strings.TrimSpace(s))
		if s == "ALL" || strings.HasPrefix(s, "CAP_") {
			return s
		}
		return "CAP_" + s
	},
	"nocap": func(s string) string { return strings.TrimPrefix(strings.ToUpper(s), "CAP_") },
	"mib":   func(s string) string { return divide(s, 1<<20) },
	"kib":   func(s string) string { return divide(s, 1<<10) },
	"join":  func(s string) string { return s }, // handled on the list
}

// value is what a placeholder name stands for in one run: unset, or one or
// more words (a list knob such as cap-add has several).
type value struct {
	set  bool
	list []string
}

func one(s string) value { return value{set: true, list: []string{s}} }

// flag is a boolean knob's value: set, with "1" for a % that uses it.
func flag(on bool) value {
	if !on {
		return value{}
	}
	return one("1")
}

// values names every placeholder of one run.
type values map[string]value

// errUnknown marks a placeholder name no template may use.
var errUnknown = errors.New("unknown placeholder")

// parseTemplateWords splits a command template into words, each parsed
// into segments; braces keep their blanks inside one word.
func parseTemplateWords(s string) ([][]segment, error) {
	words, err := splitKeepingBraces(s)
	if err != nil {
		return nil, err
	}
	out := make([][]segment, 0, len(words))
	for _, w := range words {
		segs, err := parseSegments(w)
		if err != nil {
			return nil, err
		}
		out = append(out, segs)
	}
	return out, nil
}

// splitKeepingBraces is SplitWords, except that blanks inside {...}
// (outside quotes) do not split and the braces' text is kept as written.
func splitKeepingBraces(s string) ([]string, error) {
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
		case ch == '{':
			depth := 0
			j := i
			for ; j < len(rs); j++ {
				if rs[j] == '{' {
					depth++
				} else if rs[j] == '}' {
					depth--
					if depth == 0 {
						break
					}
				}
			}
			if j >= len(rs) {
				return nil, fmt.Errorf("unterminated placeholder %q", string(rs[i:]))
			}
			cur.WriteString(string(rs[i : j+1]))
			i = j
			inWord = true
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

// parseSegments splits text into literals and placeholders.
func parseSegments(s string) ([]segment, error) {
	var out []segment
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			if s != "" {
				out = append(out, segment{lit: s})
			}
			return out, nil
		}
		if i > 0 {
			out = append(out, segment{lit: s[:i]})
		}
		depth, j := 0, i
		for ; j < len(s); j++ {
			if s[j] == '{' {
				depth++
			} else if s[j] == '}' {
				if depth--; depth == 0 {
					break
				}
			}
		}
		if j >= len(s) {
			return nil, fmt.Errorf("unterminated placeholder %q", s[i:])
		}
		ph, err := parsePlaceholder(s[i : j+1])
		if err != nil {
			return nil, err
		}
		out = append(out, segment{ph: ph})
		s = s[j+1:]
	}
}

// parsePlaceholder parses "{name|f}" or "{c1&!c2|f:fragment}".
func parsePlaceholder(raw string) (*placeholder, error) {
	body := raw[1 : len(raw)-1]
	p := &placeholder{raw: raw}
	head := body
	if k := strings.IndexByte(body, ':'); k >= 0 {
		head, p.frag, p.cond = body[:k], body[k+1:], true
	}
	parts := strings.Split(head, "|")
	for _, f := range parts[1:] {
		if _, ok := filters[f]; !ok {
			return nil, fmt.Errorf("%s: unknown filter %q", raw, f)
		}
		p.filters = append(p.filters, f)
	}
	for _, c := range strings.Split(parts[0], "&") {
		c = strings.TrimSpace(c)
		neg := strings.HasPrefix(c, "!")
		c = strings.TrimPrefix(c, "!")
		if c == "" {
			return nil, fmt.Errorf("%s: empty name", raw)
		}
		if neg && !p.cond {
			return nil, fmt.Errorf("%s: a negated name needs a fragment ({!%s:...})", raw, c)
		}
		p.conds = append(p.conds, cond{name: c, neg: neg})
	}
	if !p.cond && len(p.conds) > 1 {
		return nil, fmt.Errorf("%s: several names need a fragment", raw)
	}
	p.name = p.conds[0].name
	if p.cond {
		if _, err := parseTemplateWords(p.frag); err != nil {
			return nil, fmt.Errorf("%s: %w", raw, err)
		}
	}
	return p, nil
}

// names calls fn with every placeholder name in segs, fragments included,
// and whether it is only ever negated there.
func walkNames(segs []segment, fn func(name string, ph *placeholder)) {
	for _, s := range segs {
		if s.ph == nil {
			continue
		}
		for _, c := range s.ph.conds {
			fn(c.name, s.ph)
		}
		if s.ph.cond {
			ws, _ := parseTemplateWords(s.ph.frag)
			for _, w := range ws {
				walkNames(w, fn)
			}
		}
	}
}

// holds says whether every condition of p holds in vals.
func (p *placeholder) holds(vals values) bool {
	for _, c := range p.conds {
		if vals[c.name].set == c.neg {
			return false
		}
	}
	return true
}

// items is p's value after its filters, one entry per repetition.
func (p *placeholder) items(vals values) []string {
	v := vals[p.name]
	list := slices.Clone(v.list)
	if len(list) == 0 {
		list = []string{""}
	}
	for _, f := range p.filters {
		if f == "join" {
			list = []string{strings.Join(list, ",")}
			continue
		}
		for i := range list {
			list[i] = filters[f](list[i])
		}
	}
	return list
}

// expandArgv turns template words into argv. cmd is spliced where {cmd}
// stands alone.
func expandArgv(words [][]segment, vals values, cmd []string) ([]string, error) {
	var out []string
	prevOption := -1 // index in out of the last literal option word
	// dropWord drops a word whose plain placeholder is unset, and the
	// option word that introduced it: "-s lxc.uts.name={hostname}" goes
	// whole, never leaving a "-s" to swallow the next word.
	dropWord := func() {
		if prevOption >= 0 && prevOption == len(out)-1 {
			out = out[:prevOption]
		}
		prevOption = -1
	}
	for _, w := range words {
		if len(w) == 1 && w[0].ph != nil {
			p := w[0].ph
			switch {
			case !p.cond && p.name == "cmd":
				out = append(out, cmd...)
				prevOption = -1
				continue
			case p.cond:
				if !p.holds(vals) {
					continue
				}
				for _, item := range p.items(vals) {
					fw, err := parseTemplateWords(percent(p.frag, item))
					if err != nil {
						return nil, err
					}
					sub, err := expandArgv(fw, vals, cmd)
					if err != nil {
						return nil, err
					}
					out = append(out, sub...)
				}
				prevOption = -1
				continue
			case !vals[p.name].set:
				dropWord()
				continue
			}
		}
		s, ok, err := expandText(w, vals)
		if err != nil {
			return nil, err
		}
		if !ok {
			dropWord()
			continue
		}
		out = append(out, s)
		prevOption = -1
		if allLiteral(w) && strings.HasPrefix(s, "-") {
			prevOption = len(out) - 1
		}
	}
	return out, nil
}

// expandText expands segments as one piece of text; ok is false when a
// plain placeholder in it is unset (the word or line is dropped).
func expandText(segs []segment, vals values) (string, bool, error) {
	var b strings.Builder
	for _, s := range segs {
		if s.ph == nil {
			b.WriteString(s.lit)
			continue
		}
		p := s.ph
		if p.name == "cmd" && !p.cond {
			return "", false, fmt.Errorf("%s must be a word of its own", p.raw)
		}
		if !p.cond {
			if !vals[p.name].set {
				return "", false, nil
			}
			b.WriteString(strings.Join(p.items(vals), ","))
			continue
		}
		if !p.holds(vals) {
			continue
		}
		var parts []string
		for _, item := range p.items(vals) {
			segs, err := parseSegments(percent(p.frag, item))
			if err != nil {
				return "", false, err
			}
			t, ok, err := expandText(segs, vals)
			if err != nil {
				return "", false, err
			}
			if ok {
				parts = append(parts, t)
			}
		}
		b.WriteString(strings.Join(parts, " "))
	}
	return b.String(), true, nil
}

// percent replaces % with v, %1 … %9 with v's ':'-separated fields
// ("HOST:CONTAINER" of a volume, "UID:GID" of a user) and %% with a
// literal %, outside nested placeholders.
func percent(s, v string) string {
	fields := strings.Split(v, ":")
	var b strings.Builder
	depth := 0 // a nested placeholder's % is its own
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '{':
			depth++
		case '}':
			depth--
		}
		if s[i] != '%' || depth > 0 {
			b.WriteByte(s[i])
			continue
		}
		switch next := byte(0); {
		case i+1 < len(s) && s[i+1] == '%':
			b.WriteByte('%')
			i++
		case i+1 < len(s) && s[i+1] >= '1' && s[i+1] <= '9':
			next = s[i+1] - '1'
			if int(next) < len(fields) {
				b.WriteString(fields[next])
			}
			i++
		default:
			b.WriteString(v)
		}
	}
	return b.String()
}

func allLiteral(w []segment) bool {
	for _, s := range w {
		if s.ph != nil {
			return false
		}
	}
	return true
}

func divide(s string, by int64) string {
	var n int64
	if _, err := fmt.Sscan(s, &n); err != nil {
		return s
	}
	return fmt.Sprint((n + by - 1) / by)
}
