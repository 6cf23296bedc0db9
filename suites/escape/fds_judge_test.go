package escape

import (
	"strings"
	"testing"

	"github.com/little-container/little-container/suites/hostview"
	"github.com/little-container/little-container/suites/matrix"
)

func TestJudgeFDs(t *testing.T) {
	stdio := []hostview.FD{{N: 0, Target: "pipe:[1]"}, {N: 1, Target: "pipe:[2]"}, {N: 2, Target: "pipe:[3]"}}
	own := hostview.FD{N: 4, Target: "anon_inode:[eventpoll]", CloExec: true}
	leaked := hostview.FD{N: 5, Target: "socket:[77]", Flags: 02}
	for _, c := range []struct {
		name   string
		fds    []hostview.FD
		passed map[int]bool
		want   matrix.Status
		why    string
	}{
		{"only stdio and own", append(stdio, own), nil, matrix.Pass, ""},
		{"a socket of the runtime", append(stdio, own, leaked), nil, matrix.Fail, "descriptor 5 -> socket:[77]"},
		{"passed on as asked", append(stdio, leaked), map[int]bool{5: true}, matrix.Pass, ""},
	} {
		v := &matrix.Verdict{}
		JudgeFDs(v, c.fds, c.passed, nil)
		cell := v.Apply(matrix.Cell{})
		if cell.Status != c.want || !strings.Contains(cell.Reason, c.why) {
			t.Errorf("%s: %s %s", c.name, cell.Status, cell.Reason)
		}
	}
}
