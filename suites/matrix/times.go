package matrix

import (
	"fmt"
	"slices"
	"strings"
)

// Times tabulates each suite's wall time in each run (labels name the
// runs), with every run after the first as a ratio to the first, so the
// cost of what differs between them (a column, a change) reads directly.
func Times(labels []string, runs []*Matrix) string {
	var names []string
	secs := make([]map[string]float64, len(runs))
	for i, m := range runs {
		secs[i] = map[string]float64{}
		for _, s := range m.Suites {
			secs[i][s.Name] = s.Seconds
			if !slices.Contains(names, s.Name) {
				names = append(names, s.Name)
			}
		}
	}
	slices.Sort(names)
	var b strings.Builder
	for i, l := range labels {
		fmt.Fprintf(&b, "run %d: %s\n", i+1, l)
	}
	fmt.Fprintf(&b, "%-12s", "suite")
	for i := range runs {
		fmt.Fprintf(&b, " %9s", fmt.Sprintf("run %d", i+1))
		if i > 0 {
			fmt.Fprintf(&b, " %7s", fmt.Sprintf("%d/1", i+1))
		}
	}
	b.WriteString("\n")
	row := func(name, unit string, get func(i int) (float64, bool)) {
		fmt.Fprintf(&b, "%-12s", name)
		base, _ := get(0)
		for i := range runs {
			v, ok := get(i)
			if !ok {
				fmt.Fprintf(&b, " %9s", "–")
			} else {
				prec := 1
				if unit == "" {
					prec = 0
				}
				fmt.Fprintf(&b, " %9s", fmt.Sprintf("%.*f%s", prec, v, unit))
			}
			if i > 0 {
				if ok && base > 0 {
					fmt.Fprintf(&b, " %7.2f", v/base)
				} else {
					fmt.Fprintf(&b, " %7s", "–")
				}
			}
		}
		b.WriteString("\n")
	}
	row("columns", "", func(i int) (float64, bool) { return float64(len(runs[i].Targets)), true })
	for _, n := range names {
		row(n, " s", func(i int) (float64, bool) { v, ok := secs[i][n]; return v, ok })
	}
	row("all suites", " s", func(i int) (float64, bool) {
		t := 0.0
		for _, v := range secs[i] {
			t += v
		}
		return t, len(secs[i]) > 0
	})
	return b.String()
}
