package matrix

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Summary is the one-line count under every rendering; with several
// targets, a line per target follows.
func (m *Matrix) Summary() string {
	s := m.Counts.String()
	if len(m.Targets) > 1 {
		for _, t := range m.Targets {
			s += fmt.Sprintf("\n  %s: %s", t, m.PerTarget[t])
		}
	}
	return s
}

func (c Counts) String() string {
	return fmt.Sprintf("%d pass, %d FAIL, %d ERROR, %d skipped; controls: %d failed as expected, %d DID NOT FAIL",
		c.Pass, c.Fail, c.Error, c.Skipped, c.ControlsFailed, c.ControlsNotFailed)
}

func (m *Matrix) label(r Row, t string) string {
	c, ok := r.Cells[t]
	if !ok {
		return "-"
	}
	return c.Label()
}

// Text writes the terminal table, then the evidence of every bad cell.
// With several target columns the cells are short and the skip reasons
// are listed under the table, so it stays readable in a terminal.
func (m *Matrix) Text(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "AREA\tCHECK\t%s\n", strings.Join(m.Targets, "\t"))
	short := len(m.Targets) > 1
	var skips []Cell
	for _, r := range m.Rows {
		cols := make([]string, len(m.Targets))
		for i, t := range m.Targets {
			cols[i] = m.label(r, t)
			if c, ok := r.Cells[t]; ok && short {
				cols[i] = c.Short()
				if c.Status == Skipped {
					skips = append(skips, c)
				}
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", r.Area, r.Check, strings.Join(cols, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("render table: %w", err)
	}
	fmt.Fprintln(w, m.Summary())
	if len(skips) > 0 {
		fmt.Fprintln(w, "\nskipped:")
		for _, c := range skips {
			fmt.Fprintf(w, "  %s / %s: %s\n", c.Check, c.Target, c.Reason)
		}
	}
	for _, c := range m.bad() {
		fmt.Fprintf(w, "\n%s\n", c.String())
	}
	_, err := fmt.Fprintln(w)
	return err
}

// Markdown writes the matrix as a GitHub-flavoured table, usable as a CI
// step summary, with the evidence of bad cells in collapsible blocks.
func (m *Matrix) Markdown(w io.Writer) error {
	var b strings.Builder
	b.WriteString("## Isolation matrix\n\n")
	fmt.Fprintf(&b, "| area | check | %s |\n", strings.Join(mdEscapeAll(m.Targets), " | "))
	b.WriteString("|---|---|" + strings.Repeat("---|", len(m.Targets)) + "\n")
	for _, r := range m.Rows {
		cols := make([]string, len(m.Targets))
		for i, t := range m.Targets {
			l := mdEscape(m.label(r, t))
			if c, ok := r.Cells[t]; ok && c.Bad() {
				l = "**" + l + "**"
			}
			cols[i] = l
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", mdEscape(r.Area), mdEscape(r.Check), strings.Join(cols, " | "))
	}
	fmt.Fprintf(&b, "\n%s\n", m.Summary())
	for _, c := range m.bad() {
		fmt.Fprintf(&b, "\n<details><summary>%s / %s: %s</summary>\n\n```\n%s\n```\n</details>\n",
			mdEscape(c.Check), mdEscape(c.Target), mdEscape(c.Label()), c.String())
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// jsonMatrix is the JSON shape: flat cells plus counts, easy to merge.
type jsonMatrix struct {
	Targets []string `json:"targets"`
	// Strict are the targets whose bad cells fail the run ("ours"); the
	// other columns' bad cells are findings about those runtimes.
	Strict []string `json:"strict"`
	Cells  []Cell   `json:"cells"`
	Counts Counts   `json:"counts"`
}

// JSON writes the cells and counts.
func (m *Matrix) JSON(w io.Writer) error {
	out := jsonMatrix{Targets: m.Targets, Strict: StrictTargets(), Cells: m.Cells(), Counts: m.Counts}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("render json: %w", err)
	}
	return nil
}

// ReadJSON reads cells written by JSON.
func ReadJSON(r io.Reader) ([]Cell, error) {
	var in jsonMatrix
	if err := json.NewDecoder(r).Decode(&in); err != nil {
		return nil, fmt.Errorf("read matrix json: %w", err)
	}
	return in.Cells, nil
}

// Cells lists every cell, row by row, in target order.
func (m *Matrix) Cells() []Cell {
	var out []Cell
	for _, r := range m.Rows {
		for _, t := range m.Targets {
			if c, ok := r.Cells[t]; ok {
				out = append(out, c)
			}
		}
	}
	return out
}

func (m *Matrix) bad() []Cell {
	var out []Cell
	for _, c := range m.Cells() {
		if c.Bad() {
			out = append(out, c)
		}
	}
	return out
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
