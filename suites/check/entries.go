package check

import (
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/little-container/little-container/suites/target"
)

// Row is a table row of a check: its matrix name and whether it is the
// negative control.
type Row interface {
	RowName() string
	IsControl() bool
}

// Entries makes one table entry per row, each with the spec timeout of a
// container run and, for a control, the "control" label (so a run can
// pick the controls out with --label-filter).
func Entries[T Row](rows []T, timeout time.Duration) []TableEntry {
	var out []TableEntry
	for _, r := range rows {
		args := []any{SpecTimeout(timeout), r}
		if r.IsControl() {
			args = append([]any{Label("control")}, args...)
		}
		out = append(out, Entry(r.RowName(), args...))
	}
	return out
}

// TablePerTarget declares, for every target, a Context "on <target>" with a
// table named desc whose entries are rows() (Entries) and whose body is run
// with that target's name.
func TablePerTarget[T Row](desc string, rows func() []T, timeout time.Duration, run func(SpecContext, string, T)) {
	for _, tn := range target.Names() {
		Context("on "+tn, func() {
			DescribeTable(desc, func(ctx SpecContext, r T) { run(ctx, tn, r) }, Entries(rows(), timeout))
		})
	}
}
