package namespaces

import (
	"testing"

	"github.com/little-container/little-container/suites/hostview"
	"github.com/little-container/little-container/suites/matrix"
)

func TestJudgeRootMapping(t *testing.T) {
	for _, c := range []struct {
		name string
		m    UserMap
		want matrix.Status
	}{
		{"mapped away", UserMap{UIDMap: "0 100000 65536\n", GIDMap: "0 100000 65536\n", UIDs: []uint64{100000, 100000, 100000, 100000}, GIDs: []uint64{100000, 100000, 100000, 100000}}, matrix.Pass},
		{"host's namespace", UserMap{UIDMap: "0 0 4294967295\n", GIDMap: "0 0 4294967295\n", UIDs: []uint64{0, 0, 0, 0}, GIDs: []uint64{0, 0, 0, 0}, SharedUserNS: true}, matrix.Fail},
		{"identity range", UserMap{UIDMap: "0 0 65536\n", GIDMap: "0 100000 65536\n", UIDs: []uint64{0, 0, 0, 0}, GIDs: []uint64{100000, 100000, 100000, 100000}}, matrix.Fail},
		{"a range that reaches host 0 though root is mapped away", UserMap{UIDMap: "0 100000 1000\n1000 0 1\n", GIDMap: "0 100000 65536\n", UIDs: []uint64{100000, 100000, 100000, 100000}, GIDs: []uint64{100000, 100000, 100000, 100000}}, matrix.Fail},
		{"unreadable", UserMap{}, matrix.Error},
	} {
		v := &matrix.Verdict{}
		JudgeRootMapping(v, c.m)
		if s := v.Status(); s != c.want {
			t.Errorf("%s: %s %v", c.name, s, v.Leaks)
		}
	}
}

func TestJudgeTimeNS(t *testing.T) {
	host := hostview.Identity{Dev: 4, Ino: 1}
	own := hostview.Identity{Dev: 4, Ino: 2}
	for _, c := range []struct {
		name           string
		self, children hostview.Identity
		promised       bool
		want           matrix.Status
	}{
		{"own", own, own, true, matrix.Pass},
		{"own for children only", host, own, true, matrix.Pass},
		{"shared, promised", host, host, true, matrix.Fail},
		{"shared, never promised", host, host, false, matrix.Skipped},
	} {
		v := &matrix.Verdict{}
		JudgeTimeNS(v, host, c.self, c.children, c.promised, "t")
		if s := v.Status(); s != c.want {
			t.Errorf("%s: %s", c.name, s)
		}
	}
}
