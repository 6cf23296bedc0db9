package matrix

import (
	"fmt"
	"io"
	"strings"
)

// README writes the matrix the way the README shows it: where and when it
// was measured, the compact table, the legend. lc-matrix readme prints it
// from a run's matrix.json, so the README's table is generated, not typed.
func (m *Matrix) README(w io.Writer) error {
	var b strings.Builder
	if s := m.Meta.String(); s != "" {
		fmt.Fprintf(&b, "%s%s; columns: %s.\n\n", strings.ToUpper(s[:1]), s[1:], strings.Join(m.Targets, ", "))
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	return m.MarkdownTable(w)
}
