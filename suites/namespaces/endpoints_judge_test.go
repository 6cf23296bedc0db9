package namespaces

import (
	"strings"
	"testing"

	"github.com/little-container/little-container/probes"
	"github.com/little-container/little-container/suites/hostview"
	"github.com/little-container/little-container/suites/matrix"
)

func TestJudgeEndpoints(t *testing.T) {
	failed := func(n, errno string) probes.Attempt {
		return probes.Attempt{Name: n, Outcome: probes.Failed, Errno: errno}
	}
	isolatedIPC := []probes.Attempt{failed("sysv-shm", "ENOENT"), failed("sysv-msg", "ENOENT"), failed("sysv-sem", "ENOENT"),
		failed("posix-mq", "ENOENT"), failed("posix-shm", "ENOENT"), failed("host-objects-anywhere", "")}
	isolatedSock := []probes.Attempt{failed("abstract-socket", "ECONNREFUSED"), failed("unix-socket-path", "ENOENT"),
		failed("tcp-loopback", "ECONNREFUSED"), failed("host-objects-anywhere", "")}
	rep := func(as ...probes.Attempt) *probes.Report {
		return &probes.Report{Attempts: as, Complete: true}
	}
	with := func(base []probes.Attempt, a probes.Attempt) []probes.Attempt {
		out := []probes.Attempt{}
		for _, b := range base {
			if b.Name == a.Name {
				b = a
			}
			out = append(out, b)
		}
		return out
	}
	for _, c := range []struct {
		name     string
		row      string
		as       []probes.Attempt
		findings []hostview.Finding
		want     matrix.Status
		why      string
	}{
		{"ipc isolated", EndpointsIPC, isolatedIPC, nil, matrix.Pass, ""},
		{"sem reachable", EndpointsIPC, with(isolatedIPC, probes.Attempt{Name: "sysv-sem", Outcome: probes.Succeeded, Detail: "id 3"}), nil, matrix.Fail, "semaphore"},
		{"mq exists", EndpointsIPC, with(isolatedIPC, failed("posix-mq", "EACCES")), nil, matrix.Fail, "exists from inside"},
		{"shm file of another", EndpointsIPC, with(isolatedIPC, probes.Attempt{Name: "posix-shm", Outcome: probes.Succeeded, Value: "differs"}), nil, matrix.Pass, ""},
		{"sockets isolated", EndpointsSockets, isolatedSock, nil, matrix.Pass, ""},
		{"socket found by the host", EndpointsSockets, isolatedSock, []hostview.Finding{{Kind: hostview.KindHostObject, Leak: true, Detail: "the host unix socket is visible inside at /x"}}, matrix.Fail, "visible inside at /x"},
		{"socket path exists", EndpointsSockets, with(isolatedSock, failed("unix-socket-path", "ECONNREFUSED")), nil, matrix.Fail, "pathname"},
		{"walk found the socket", EndpointsSockets, with(isolatedSock, probes.Attempt{Name: "host-objects-anywhere", Outcome: probes.Succeeded, Value: "/srv/x/fp.sock (unix socket)"}), nil, matrix.Fail, "at /srv/x/fp.sock"},
		{"walk found only the shm file: not the sockets row's", EndpointsSockets, with(isolatedSock, probes.Attempt{Name: "host-objects-anywhere", Outcome: probes.Succeeded, Value: "/dev/shm/lc-fp (shm file)"}), nil, matrix.Pass, ""},
		{"walk found the shm file", EndpointsIPC, with(isolatedIPC, probes.Attempt{Name: "host-objects-anywhere", Outcome: probes.Succeeded, Value: "/dev/shm/lc-fp (shm file)"}), nil, matrix.Fail, "shm file found"},
	} {
		v := &matrix.Verdict{}
		JudgeEndpoints(v, c.row, rep(c.as...), c.findings, nil)
		cell := v.Apply(matrix.Cell{})
		if cell.Status != c.want || !strings.Contains(cell.Reason, c.why) {
			t.Errorf("%s: %s (%s), want %s with %q", c.name, cell.Status, cell.Reason, c.want, c.why)
		}
	}
}
