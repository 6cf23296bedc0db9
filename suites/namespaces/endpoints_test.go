package namespaces_test

import (
	"os"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/little-container/little-container/suites/check"
	"github.com/little-container/little-container/suites/hostview"
	"github.com/little-container/little-container/suites/matrix"
	"github.com/little-container/little-container/suites/namespaces"
	"github.com/little-container/little-container/suites/target"
)

// sockDirAt is where the sockets control binds the host's socket directory:
// somewhere no fixed list of daemon sockets would look.
const sockDirAt = "/srv/lc-elsewhere/run"

type endpointCase struct {
	Kind    string
	Row     string
	Opts    target.RunOpts
	Control bool
}

func endpointCases() []endpointCase {
	ipc := "host IPC objects (SysV shm, msg, sem; POSIX mqueue and shm)"
	socks := "host sockets wherever they appear (abstract, pathname, loopback TCP)"
	return []endpointCase{
		{Kind: namespaces.EndpointsIPC, Row: ipc},
		{Kind: namespaces.EndpointsIPC, Row: ipc + " [control: --share ipc]", Opts: target.RunOpts{Share: []string{"ipc"}}, Control: true},
		{Kind: namespaces.EndpointsSockets, Row: socks},
		// The volume is filled in per run: the socket's directory is new each time.
		{Kind: namespaces.EndpointsSockets, Row: socks + " [control: --volume <socket dir>:" + sockDirAt + "]", Control: true,
			Opts: target.RunOpts{Volumes: []target.Volume{{Container: sockDirAt}}}},
	}
}

var _ = Describe("host endpoints", Label("ns", "endpoints"), func() {
	check.TablePerTarget("stay out of reach", endpointCases, 60*time.Second, runEndpoints)
})

func runEndpoints(ctx SpecContext, tn string, c endpointCase) {
	cell := matrix.Cell{Area: "ns", Check: c.Row, Target: tn, Control: c.Control}
	e := check.Prepare(ctx, art, cell, true)
	o := c.Opts
	o.Volumes = nil
	for _, vol := range c.Opts.Volumes {
		vol.Host = filepath.Dir(e.FP.UnixSocket)
		o.Volumes = append(o.Volumes, vol)
		Expect(os.MkdirAll(filepath.Join(e.Rootfs, vol.Container), 0o755)).To(Succeed())
	}
	var objects []string
	switch {
	case c.Kind == namespaces.EndpointsIPC && e.FP.ShmFile != "":
		objects = []string{"shm file", e.FP.ShmFile}
	case c.Kind == namespaces.EndpointsSockets:
		objects = []string{"unix socket", e.FP.UnixSocket}
	}
	acct, err := hostview.AccountingFor(e.Rootfs, nil, objects...)
	Expect(err).NotTo(HaveOccurred())
	o.Args = e.ProbeArgs("endpoints", "-hold")
	var findings []hostview.Finding
	var hostErr error
	o.Inspect = hostview.Look(&hostErr, func(pid int) (err error) {
		findings, err = hostview.AccountMounts(pid, acct)
		return err
	})
	res := e.Run(ctx, o)
	v := check.Judge(res)
	if hostview.Sandboxed(hostErr) {
		v.Note("%v: judged by the probe alone", hostErr)
		hostErr = nil
	}
	namespaces.JudgeEndpoints(v, c.Kind, res.Report, findings, hostErr)
	e.Finish(v)
}

// RowName and IsControl make endpointCase a check.Row.
func (c endpointCase) RowName() string { return c.Row }

// IsControl implements check.Row.
func (c endpointCase) IsControl() bool { return c.Control }
