package matrix

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

// TextOptions shape the terminal table.
type TextOptions struct {
	Glyphs Glyphs
	Color  bool // ANSI colours (a terminal that is not NO_COLOR)
	// Width bounds every line (default 100); long row names and bad-cell
	// headlines are cut to fit.
	Width int
	// Verbose prints the evidence of every bad cell under its line.
	Verbose bool
}

const (
	defaultWidth = 100
	maxRowName   = 24
)

// Text writes the compact terminal table: one row per check, one column
// per target, each cell the check's mark and its control's; the per-target
// totals and the legend under it; then one line per bad cell (check /
// target: headline), the strict targets' first. Reasons and evidence are
// in the report files (or under each line with Verbose).
func (m *Matrix) Text(w io.Writer, o TextOptions) error {
	if o.Glyphs == (Glyphs{}) {
		o.Glyphs = UTF8
	}
	if o.Width <= 0 {
		o.Width = defaultWidth
	}
	var b strings.Builder
	label := 0
	for _, r := range m.Rows {
		label = max(label, utf8.RuneCountInString(r.Name))
	}
	label = min(max(label, len("skipped")), maxRowName) + 2
	widths := make([]int, len(m.Targets))
	total := label
	for i, t := range m.Targets {
		widths[i] = max(utf8.RuneCountInString(t), 2)
		total += widths[i] + 2
	}
	gap := 2
	if total > o.Width {
		gap = 1
	}
	head := pad("", label)
	for i, t := range m.Targets {
		head += strings.Repeat(" ", gap) + pad(t, widths[i])
	}
	b.WriteString(strings.TrimRight(head, " ") + "\n")
	area := ""
	for _, r := range m.Rows {
		if r.Area != area {
			area = r.Area
			b.WriteString(area + "\n")
		}
		line := pad("  "+cutTo(r.Name, label-2, o.Glyphs.Cut), label)
		for i, t := range m.Targets {
			c, okc := r.Checks[t]
			k, okk := r.Controls[t]
			cell := paint(o.Glyphs, c, okc, o.Color) + paint(o.Glyphs, k, okk, o.Color)
			left := (widths[i] - 2) / 2
			line += strings.Repeat(" ", gap+left) + cell + strings.Repeat(" ", widths[i]-2-left)
		}
		b.WriteString(strings.TrimRight(line, " ") + "\n")
	}
	for _, f := range footer {
		line := pad(f.name, label)
		for i, t := range m.Targets {
			line += strings.Repeat(" ", gap) + center(fmt.Sprint(f.n(m.PerTarget[t])), widths[i])
		}
		b.WriteString(strings.TrimRight(line, " ") + "\n")
	}
	for _, l := range o.Glyphs.Legend() {
		b.WriteString(cutTo(l, o.Width, o.Glyphs.Cut) + "\n")
	}
	m.badLines(&b, o)
	_, err := io.WriteString(w, b.String())
	return err
}

// badLines writes one line per bad cell: the strict targets' under a
// heading saying they fail the run, then the findings about the others.
func (m *Matrix) badLines(b *strings.Builder, o TextOptions) {
	j := m.Judge(m.Strict)
	tw := 0
	for _, t := range m.Targets {
		tw = max(tw, utf8.RuneCountInString(t))
	}
	write := func(heading string, cells []Cell) {
		if len(cells) == 0 {
			return
		}
		b.WriteString("\n" + heading + "\n")
		for _, c := range cells {
			row := c.RowName()
			if c.Control {
				row += " (control)"
			}
			mark := paint(o.Glyphs, c, true, o.Color)
			text := fmt.Sprintf("%s %s: %s", pad(c.Target, tw), row, strings.TrimPrefix(c.Headline(), c.RowName()+": "))
			b.WriteString("  " + mark + " " + cutTo(text, o.Width-4, o.Glyphs.Cut) + "\n")
			if o.Verbose {
				for _, l := range strings.Split(c.String(), "\n") {
					b.WriteString("      " + l + "\n")
				}
			}
		}
	}
	byTarget := func(cells []Cell) []Cell {
		out := slices.Clone(cells)
		sort.SliceStable(out, func(a, b int) bool {
			return slices.Index(m.Targets, out[a].Target) < slices.Index(m.Targets, out[b].Target)
		})
		return out
	}
	write(fmt.Sprintf("bad cells of %s (these fail the run):", strings.Join(j.Strict, ", ")), byTarget(j.Failing))
	write(fmt.Sprintf("findings about other runtimes (%d; they do not gate this run):", len(j.Findings)), byTarget(j.Findings))
}

// footer are the per-target totals under the table.
var footer = []struct {
	name string
	n    func(Counts) int
}{
	{"good", func(c Counts) int { return c.Pass + c.ControlsFailed }},
	{"bad", Counts.Bad},
	{"skipped", Counts.AllSkipped},
}

// pad left-aligns s in n columns.
func pad(s string, n int) string {
	if k := utf8.RuneCountInString(s); k < n {
		return s + strings.Repeat(" ", n-k)
	}
	return s
}

// center centres s in n columns.
func center(s string, n int) string {
	k := utf8.RuneCountInString(s)
	if k >= n {
		return s
	}
	l := (n - k) / 2
	return strings.Repeat(" ", l) + s + strings.Repeat(" ", n-k-l)
}

// cutTo shortens s to n columns, ending in mark.
func cutTo(s string, n int, mark string) string {
	if mark == "" {
		mark = "…"
	}
	if r := []rune(s); len(r) > n && n > 1 {
		return string(r[:n-utf8.RuneCountInString(mark)]) + mark
	}
	return s
}

// MarkdownTable writes the compact table as GitHub-flavoured Markdown
// (the README's, and the head of the step summary): UTF-8 marks, bad cells
// in bold, the totals and the legend under it.
func (m *Matrix) MarkdownTable(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "| area | check | %s |\n", strings.Join(mdEscapeAll(m.Targets), " | "))
	b.WriteString("|---|---|" + strings.Repeat(":-:|", len(m.Targets)) + "\n")
	for _, r := range m.Rows {
		cols := make([]string, len(m.Targets))
		for i, t := range m.Targets {
			p := UTF8.Pair(r, t)
			c, okc := r.Checks[t]
			k, okk := r.Controls[t]
			if (okc && c.Bad()) || (okk && k.Bad()) {
				p = "**" + strings.TrimSpace(p) + "**"
			}
			cols[i] = p
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", mdEscape(r.Area), mdEscape(r.Name), strings.Join(cols, " | "))
	}
	for _, f := range footer {
		cols := make([]string, len(m.Targets))
		for i, t := range m.Targets {
			cols[i] = fmt.Sprint(f.n(m.PerTarget[t]))
		}
		fmt.Fprintf(&b, "| | **%s** | %s |\n", f.name, strings.Join(cols, " | "))
	}
	g := UTF8
	fmt.Fprintf(&b, "\nEach cell: the check, then its negative control (which must FAIL: proof the check sees a leak). "+
		"%s as it must be, %s a leak or a control that did not FAIL, %s ERROR, %s skipped, %s none.\n", g.Good, g.Bad, g.Error, g.Skipped, g.None)
	_, err := io.WriteString(w, b.String())
	return err
}

// Markdown writes the report usable as a CI step summary: the verdict,
// the compact table, and every bad cell's evidence in a collapsible block.
func (m *Matrix) Markdown(w io.Writer) error {
	var b strings.Builder
	b.WriteString("## Isolation matrix\n\n")
	b.WriteString(mdEscape(m.Judge(m.Strict).Line("")) + "\n\n")
	if err := m.MarkdownTable(&b); err != nil {
		return err
	}
	for _, c := range m.bad() {
		fmt.Fprintf(&b, "\n<details><summary>%s / %s: %s</summary>\n\n```\n%s\n```\n</details>\n",
			mdEscape(c.Check), mdEscape(c.Target), mdEscape(c.Label()), c.String())
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Doc is the JSON shape of a matrix: flat cells plus what travels with
// them, easy to merge and to diff.
type Doc struct {
	Targets []string `json:"targets"`
	// Strict are the targets whose bad cells fail the run ("ours"); the
	// other columns' bad cells are findings about those runtimes.
	Strict []string   `json:"strict"`
	Cells  []Cell     `json:"cells"`
	Counts Counts     `json:"counts"`
	Suites []SuiteRun `json:"suites,omitempty"`
	Meta   *Meta      `json:"meta,omitempty"`
}

// JSON writes the cells, counts, suites and machine.
func (m *Matrix) JSON(w io.Writer) error {
	out := Doc{Targets: m.Targets, Strict: m.Strict, Cells: m.Cells(), Counts: m.Counts, Suites: m.Suites, Meta: m.Meta}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("render json: %w", err)
	}
	return nil
}

// ReadDoc reads a document written by JSON.
func ReadDoc(r io.Reader) (*Doc, error) {
	var in Doc
	if err := json.NewDecoder(r).Decode(&in); err != nil {
		return nil, fmt.Errorf("read matrix json: %w", err)
	}
	return &in, nil
}

// ReadJSON reads the cells of a document written by JSON.
func ReadJSON(r io.Reader) ([]Cell, error) {
	d, err := ReadDoc(r)
	if err != nil {
		return nil, err
	}
	return d.Cells, nil
}

func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "<", "&lt;", ">", "&gt;").Replace(s)
}

func mdEscapeAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = mdEscape(s)
	}
	return out
}
