package matrix

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strings"
)

// The report page: one self-contained file (inline style and script, no
// network, no external assets), so it opens from a CI artifact as it is.
//
//go:embed report.html.tmpl
var reportHTML string

var reportTmpl = template.Must(template.New("report").
	Funcs(template.FuncMap{"inc": func(n int) int { return n + 1 }}).
	Parse(reportHTML))

type htmlHalf struct {
	Name, Mark, Class, Label, Reason string
	Evidence                         []string
}

type htmlCell struct {
	Target, Key, Class string
	Bad                bool
	Check, Control     *htmlHalf
}

type htmlRow struct {
	Area, Name, Title string
	Bad               bool
	Cells             []htmlCell
}

type htmlTarget struct {
	Name               string
	Strict             bool
	Good, Bad, Skipped int
}

type htmlBad struct {
	Area, Target, Key, Row, Headline, Class string
	Strict                                  bool
}

type htmlData struct {
	Verdict, Meta string
	OK            bool
	Areas         []string
	Targets       []htmlTarget
	Rows          []htmlRow
	Bad           []htmlBad
	Legend        []string
	Suites        []SuiteRun
}

// HTML writes the report page: the verdict on top, filters by area and
// target (also read from and written to the URL fragment, e.g.
// #area=ns&target=runc&bad=1&open=pid%20ns@runc), the matrix with coloured
// cells, each cell opening to the evidence of its check and control, and
// the list of bad cells.
func (m *Matrix) HTML(w io.Writer) error {
	j := m.Judge(m.Strict)
	d := htmlData{Verdict: j.Line(""), OK: j.OK(), Meta: m.Meta.String(), Areas: m.Areas(),
		Legend: UTF8.Legend(), Suites: m.Suites}
	for _, t := range m.Targets {
		n := m.PerTarget[t]
		d.Targets = append(d.Targets, htmlTarget{Name: t, Strict: slices.Contains(j.Strict, t),
			Good: n.Pass + n.ControlsFailed, Bad: n.Bad(), Skipped: n.AllSkipped()})
	}
	for _, r := range m.Rows {
		hr := htmlRow{Area: r.Area, Name: r.Name, Title: strings.Trim(r.Check+" / "+r.ControlCheck, " /")}
		for _, t := range m.Targets {
			hc := htmlCell{Target: t, Key: r.Name + "@" + t, Class: "none"}
			worst := -1
			for _, ctl := range []bool{false, true} {
				c, ok := r.Cell(t, ctl)
				if !ok {
					continue
				}
				h := half(c)
				if ctl {
					hc.Control = h
				} else {
					hc.Check = h
				}
				if k := classRank(h.Class); k > worst {
					worst, hc.Class = k, h.Class
				}
				if c.Bad() {
					hc.Bad, hr.Bad = true, true
				}
			}
			if hc.Check == nil {
				hc.Check = &htmlHalf{Mark: UTF8.None, Class: "none", Label: "no such check"}
			}
			if hc.Control == nil {
				hc.Control = &htmlHalf{Mark: UTF8.None, Class: "none", Label: "no negative control"}
			}
			hr.Cells = append(hr.Cells, hc)
		}
		d.Rows = append(d.Rows, hr)
	}
	for _, list := range [][]Cell{j.Failing, j.Findings} {
		for _, c := range list {
			row := c.RowName()
			if c.Control {
				row += " (control)"
			}
			d.Bad = append(d.Bad, htmlBad{Area: c.Area, Target: c.Target, Key: c.RowName() + "@" + c.Target,
				Row: row, Headline: c.Headline(), Class: half(c).Class, Strict: slices.Contains(j.Strict, c.Target) || c.Target == Unknown})
		}
	}
	if err := reportTmpl.Execute(w, d); err != nil {
		return fmt.Errorf("render html: %w", err)
	}
	return nil
}

func half(c Cell) *htmlHalf {
	h := &htmlHalf{Name: c.Check, Mark: UTF8.Of(c, true), Label: c.Label(), Evidence: c.Evidence}
	if c.Status != Skipped || c.Reason != "" {
		h.Reason = c.Reason
	}
	switch {
	case c.Status == Skipped:
		h.Class = "skip"
	case c.Status == Error:
		h.Class = "error"
	case c.Good():
		h.Class = "good"
	default:
		h.Class = "bad"
	}
	return h
}

// classRank orders cell colours: the worse half colours the cell.
func classRank(class string) int {
	return slices.Index([]string{"none", "good", "skip", "error", "bad"}, class)
}
