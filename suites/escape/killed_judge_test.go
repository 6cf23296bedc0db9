package escape

import (
	"errors"
	"testing"

	"github.com/little-container/little-container/suites/matrix"
)

func TestJudgeKilled(t *testing.T) {
	for _, c := range []struct {
		name string
		k    Killed
		want matrix.Status
	}{
		{"all gone", Killed{Before: []int{10, 11}, Cgroups: []string{"/cg/x"}, Cleanup: []string{"gc"}}, matrix.Pass},
		{"child survived", Killed{Before: []int{10, 11}, Survivors: []int{11}}, matrix.Fail},
		{"cgroup left", Killed{Before: []int{10, 11}, Cgroups: []string{"/cg/x"}, Left: []string{"/cg/x"}}, matrix.Fail},
		{"mount left", Killed{Before: []int{10, 11}, Mounts: []string{"/tmp/r/proc"}}, matrix.Fail},
		{"never saw the child", Killed{Before: []int{10}}, matrix.Error},
		{"cleanup failed", Killed{Before: []int{10, 11}, Cleanup: []string{"gc"}, CleanupErr: errors.New("boom")}, matrix.Error},
	} {
		v := &matrix.Verdict{}
		JudgeKilled(v, c.k)
		if s := v.Status(); s != c.want {
			t.Errorf("%s: %s %v %v", c.name, s, v.Leaks, v.Problems)
		}
	}
}
