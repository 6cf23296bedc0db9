package matrix

import (
	"strings"
)

// Glyphs are the one-character cell marks. A cell shows two: the check's,
// then its negative control's. Good is "as it must be" for both (the check
// held; the control FAILed, proving the check can see a leak), so any Bad
// mark is something to read.
type Glyphs struct {
	Good, Bad, Error, Skipped, None string
	Cut                             string // marks a shortened text
}

var (
	// UTF8 are the marks for a UTF-8 terminal and for Markdown and HTML.
	UTF8 = Glyphs{Good: "✓", Bad: "✗", Error: "!", Skipped: "–", None: "·", Cut: "…"}
	// ASCII are the marks for any other terminal.
	ASCII = Glyphs{Good: "+", Bad: "X", Error: "!", Skipped: "-", None: ".", Cut: "~"}
)

// Of is the mark of c; None when the cell does not exist (a check
// without a control, or a control whose check has another row name).
func (g Glyphs) Of(c Cell, ok bool) string {
	switch {
	case !ok:
		return g.None
	case c.Status == Skipped:
		return g.Skipped
	case c.Status == Error:
		return g.Error
	case c.Good():
		return g.Good
	}
	return g.Bad
}

// Pair is the two marks of row r for target t: check, then control.
func (g Glyphs) Pair(r Row, t string) string {
	c, okc := r.Checks[t]
	k, okk := r.Controls[t]
	return g.Of(c, okc) + g.Of(k, okk)
}

// Legend explains the marks in two lines.
func (g Glyphs) Legend() []string {
	return []string{
		"each cell: the check, then its negative control (which must FAIL: proof the check sees a leak)",
		g.Good + " as it must be   " + g.Bad + " leak, or a control that did not FAIL   " +
			g.Error + " ERROR   " + g.Skipped + " skipped   " + g.None + " none",
	}
}

// LocaleIsUTF8 says whether the locale in the environment (LC_ALL, else
// LC_CTYPE, else LANG, the way the C library picks it) has a UTF-8
// character set. An unset locale is "C": ASCII.
func LocaleIsUTF8(getenv func(string) string) bool {
	for _, k := range []string{"LC_ALL", "LC_CTYPE", "LANG"} {
		if v := getenv(k); v != "" {
			v = strings.ToLower(v)
			return strings.Contains(v, "utf-8") || strings.Contains(v, "utf8")
		}
	}
	return false
}

// ANSI colours of the marks on a terminal.
const (
	ansiGreen  = "\x1b[32m"
	ansiRed    = "\x1b[1;31m"
	ansiYellow = "\x1b[1;33m"
	ansiDim    = "\x1b[2m"
	ansiReset  = "\x1b[0m"
)

// paint colours one mark of c (ok: the cell exists) when color is on.
func paint(g Glyphs, c Cell, ok, color bool) string {
	s := g.Of(c, ok)
	if !color || !ok {
		return s
	}
	switch {
	case c.Status == Skipped:
		return ansiDim + s + ansiReset
	case c.Status == Error:
		return ansiYellow + s + ansiReset
	case c.Good():
		return ansiGreen + s + ansiReset
	}
	return ansiRed + s + ansiReset
}
