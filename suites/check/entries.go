package check

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
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
