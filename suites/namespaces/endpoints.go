package namespaces

import (
	"strings"

	"github.com/little-container/little-container/probes"
	"github.com/little-container/little-container/suites/check"
	"github.com/little-container/little-container/suites/hostview"
	"github.com/little-container/little-container/suites/matrix"
)

// Endpoint rows: the endpoints probe tries every host IPC object and
// socket by name, and looks for the pathname ones by identity in the whole
// tree; the host accounts for where its socket and shm file could show in
// the container's mounts (hostview.Account).
const (
	EndpointsIPC     = "ipc"
	EndpointsSockets = "sockets"
)

// endpointAttempts are each row's attempts; the errnos that mean "the
// object exists here" are leaks like a success.
var endpointAttempts = map[string][]struct {
	name, what string
	exists     []string
}{
	EndpointsIPC: {
		{"sysv-shm", "host SysV shared memory", []string{"EACCES", "EPERM"}},
		{"sysv-msg", "host SysV message queue", []string{"EACCES", "EPERM"}},
		{"sysv-sem", "host SysV semaphore set", []string{"EACCES", "EPERM"}},
		{"posix-mq", "host POSIX message queue", []string{"EACCES", "EPERM"}},
		{"posix-shm", "host POSIX shared memory file in /dev/shm", nil},
	},
	EndpointsSockets: {
		{"abstract-socket", "host abstract unix socket", nil},
		{"unix-socket-path", "host pathname unix socket at its host path", []string{"EACCES", "EPERM", "ECONNREFUSED"}},
		{"tcp-loopback", "host loopback TCP listener", nil},
	},
}

// anywhereKind is, per row, which of the objects the probe's walk found
// (Value lines "<path> (<kind>)") the row judges.
var anywhereKind = map[string]string{EndpointsIPC: "shm file", EndpointsSockets: "unix socket"}

// JudgeEndpoints decides one endpoint row from the probe and the host's
// accounting of the container's mounts (only its host-object findings
// count here; the host-filesystem row judges the rest).
func JudgeEndpoints(v *matrix.Verdict, row string, rep *probes.Report, findings []hostview.Finding, hostErr error) {
	if rep == nil {
		return
	}
	tried := 0
	for _, e := range endpointAttempts[row] {
		a, ok := check.Attempt(v, rep, e.name)
		if !ok {
			continue
		}
		switch {
		case a.Outcome == probes.Unsupported:
			continue
		case a.Outcome == probes.Succeeded && e.name == "posix-shm" && a.Value != "match":
			v.Note("posix-shm: a file of that name is there, but not the host's (%s)", a.Detail)
		case a.Outcome == probes.Succeeded:
			v.Leak("%s reachable (%s): %s", e.what, e.name, a.Detail)
		case contains(e.exists, a.Errno):
			v.Leak("%s exists from inside (%s %s)", e.what, e.name, a.Errno)
		}
		tried++
	}
	if a, ok := check.Attempt(v, rep, "host-objects-anywhere"); ok && a.Outcome == probes.Succeeded {
		for _, line := range strings.Split(a.Value, "\n") {
			if strings.HasSuffix(line, "("+anywhereKind[row]+")") {
				v.Leak("the host %s found by its identity inside at %s", anywhereKind[row], strings.TrimSuffix(line, " ("+anywhereKind[row]+")"))
			}
		}
	}
	if row == EndpointsSockets || row == EndpointsIPC {
		if hostErr != nil {
			v.Problem("host could not account for the container's mounts: %v", hostErr)
		}
		for _, f := range findings {
			if f.Kind == hostview.KindHostObject {
				v.Leak("%s", f.Detail)
			}
		}
	}
	if tried == 0 {
		v.Skip("none of the host's " + row + " endpoints could be tried")
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
