package security

import (
	"testing"

	"github.com/little-container/little-container/suites/hostview"
	"github.com/little-container/little-container/suites/matrix"
)

func TestJudgeDeviceInodes(t *testing.T) {
	host := hostview.Identity{Dev: 6, Ino: 3}
	own := []DeviceView{{Name: "null", Inside: hostview.Identity{Dev: 40, Ino: 9}, OnHost: host}}
	bound := []DeviceView{{Name: "null", Inside: host, OnHost: host}}
	for _, c := range []struct {
		name  string
		nodes []DeviceView
		root  bool
		want  matrix.Status
	}{
		{"own node", own, true, matrix.Pass},
		{"host's node", bound, true, matrix.Fail},
		{"host's node under a user namespace", bound, false, matrix.Skipped},
		{"no nodes", []DeviceView{{Name: "null", InsideErr: "ENOENT", OnHost: host}}, true, matrix.Skipped},
	} {
		v := &matrix.Verdict{}
		JudgeDeviceInodes(v, c.nodes, c.root)
		if s := v.Status(); s != c.want {
			t.Errorf("%s: %s", c.name, s)
		}
	}
}

func TestJudgeLSM(t *testing.T) {
	for _, c := range []struct {
		name             string
		host, ctr, nolsm string
		promised         bool
		want             matrix.Status
	}{
		{"no LSM", "", "", "EINVAL", true, matrix.Skipped},
		{"confined", "unconfined", "docker-default (enforce)", "", true, matrix.Pass},
		{"unconfined, promised", "unconfined", "unconfined", "", true, matrix.Fail},
		{"unconfined, never promised", "unconfined", "unconfined", "", false, matrix.Skipped},
	} {
		v := &matrix.Verdict{}
		JudgeLSM(v, c.host, c.ctr, c.nolsm, c.promised, "t")
		if s := v.Status(); s != c.want {
			t.Errorf("%s: %s", c.name, s)
		}
	}
}
