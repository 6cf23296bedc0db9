package security_test

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/little-container/little-container/probes"
	"github.com/little-container/little-container/runtime"
	"github.com/little-container/little-container/suites/check"
	"github.com/little-container/little-container/suites/matrix"
	"github.com/little-container/little-container/suites/security"
	"github.com/little-container/little-container/suites/target"
)

// secCase is one row: a technique under a configuration.
type secCase struct {
	Technique string
	Row       string
	Opts      target.RunOpts // knobs; Args and Rootfs are filled in per run
	Control   bool
}

func checkRow(t string, o target.RunOpts) secCase {
	return secCase{Technique: t, Row: "security: " + t, Opts: o}
}

func controlRow(t, weakening string, o target.RunOpts) secCase {
	return secCase{Technique: t, Row: fmt.Sprintf("security: %s [control: %s]", t, weakening), Opts: o, Control: true}
}

// leakNS hands the host's mount namespace to the runtime as descriptor 3,
// as a careless caller would.
const leakNS = "/proc/self/ns/mnt"

// cases lists each technique's check and its control, the weakening that
// opens exactly that technique.
func cases() []secCase {
	none := target.RunOpts{}
	unconfined := target.RunOpts{SeccompUnconfined: true}
	return []secCase{
		checkRow(security.Caps, none),
		controlRow(security.Caps, "--cap-add ALL", target.RunOpts{CapAdd: []string{"ALL"}}),
		checkRow(security.NoNewPrivs, none),
		controlRow(security.NoNewPrivs, "--allow-new-privileges", target.RunOpts{AllowNewPrivileges: true}),
		checkRow(security.Seccomp, none),
		controlRow(security.Seccomp, "--seccomp unconfined", unconfined),
		checkRow(security.Mounts, none),
		controlRow(security.Mounts, "--cap-add SYS_ADMIN --seccomp unconfined",
			target.RunOpts{CapAdd: []string{"SYS_ADMIN"}, SeccompUnconfined: true}),
		checkRow(security.Masked, none),
		controlRow(security.Masked, "--unmask", target.RunOpts{Unmask: true}),
		checkRow(security.Readonly, none),
		controlRow(security.Readonly, "--unmask", target.RunOpts{Unmask: true}),
		checkRow(security.Devices, none),
		controlRow(security.Devices, "--allow-devices --cap-add ALL", target.RunOpts{AllowDevices: true, CapAdd: []string{"ALL"}}),
		checkRow(security.Handle, none),
		controlRow(security.Handle, "--cap-add DAC_READ_SEARCH --seccomp unconfined",
			target.RunOpts{CapAdd: []string{"DAC_READ_SEARCH"}, SeccompUnconfined: true}),
		checkRow(security.Userns, none),
		controlRow(security.Userns, "--seccomp unconfined", unconfined),
		checkRow(security.Modules, none),
		controlRow(security.Modules, "--cap-add SYS_MODULE --seccomp unconfined",
			target.RunOpts{CapAdd: []string{"SYS_MODULE"}, SeccompUnconfined: true}),
		checkRow(security.Keyring, none),
		controlRow(security.Keyring, "--seccomp unconfined", unconfined),
		checkRow(security.Kallsyms, none),
		controlRow(security.Kallsyms, "--cap-add SYSLOG", target.RunOpts{CapAdd: []string{"SYSLOG"}}),
		checkRow(security.HostProc, none),
		controlRow(security.HostProc, "--share pid", target.RunOpts{Share: []string{"pid"}}),
		checkRow(security.Abstract, none),
		controlRow(security.Abstract, "--share net", target.RunOpts{Share: []string{"net"}}),
		checkRow(security.Setns, target.RunOpts{InheritDir: leakNS}),
		controlRow(security.Setns, "--preserve-fds 1 --cap-add SYS_ADMIN --seccomp unconfined",
			target.RunOpts{InheritDir: leakNS, PreserveFDs: 1, CapAdd: []string{"SYS_ADMIN"}, SeccompUnconfined: true}),
		checkRow(security.Proc1, none),
	}
}

var _ = Describe("runtime hardening", Label("security"), func() {
	for _, tn := range target.Names() {
		Context("on "+tn, func() {
			var entries []TableEntry
			for _, c := range cases() {
				args := []any{SpecTimeout(60 * time.Second), c}
				if c.Control {
					args = append([]any{Label("control")}, args...)
				}
				entries = append(entries, Entry(c.Row, args...))
			}
			DescribeTable("holds by behaviour",
				func(ctx SpecContext, c secCase) { runSecurity(ctx, tn, c) },
				entries,
			)
		})
	}
})

func runSecurity(ctx SpecContext, tn string, c secCase) {
	cell := matrix.Cell{Area: "security", Check: c.Row, Target: tn, Control: c.Control}
	e := check.Prepare(ctx, art, cell, true)
	host := security.Host{FilterErrno: unix.ErrnoName(runtime.SeccompErrno)}
	flags := hostSide(ctx, e, tn, c, &host)

	var reps security.Reports
	var v *matrix.Verdict
	if c.Technique == security.Caps || c.Technique == security.NoNewPrivs {
		o := c.Opts
		o.Args = e.ProbeArgs("caps")
		res := e.Run(ctx, o)
		v = check.Judge(res)
		reps.Caps = res.Report
	}
	if c.Technique != security.Caps {
		o := c.Opts
		o.Args = e.ProbeArgs("security", flags...)
		res := e.Run(ctx, o)
		reps.Security = res.Report
		if v == nil {
			v = check.Judge(res)
		} else {
			merge(v, res)
		}
	}
	security.Judge(v, c.Technique, reps, c.Control, host)
	e.Finish(v)
}

// merge adds a second run's evidence to v; a broken second run breaks v.
func merge(v *matrix.Verdict, res *target.Result) {
	w := check.Judge(res)
	v.Evidence = append(v.Evidence, w.Evidence...)
	if res.DecodeErr != nil {
		v.Broken("security probe report: %v", res.DecodeErr)
	}
}

// hostSide establishes what technique c needs on the host, skipping (with
// the reason, recorded) what the host itself cannot demonstrate, and
// returns the security probe's flags.
func hostSide(ctx context.Context, e *check.Env, tn string, c secCase, host *security.Host) []string {
	GinkgoHelper()
	flags := []string{"-seccomp-errno", host.FilterErrno}
	switch c.Technique {
	case security.NoNewPrivs:
		name := fmt.Sprintf("probe-suid-p%d", GinkgoParallelProcess())
		Expect(security.SetuidCopy(art.Probe, filepath.Join(e.Rootfs, name))).To(Succeed())
		flags = append(flags, "-setuid-helper", "/"+name)
	case security.Masked:
		var paths []string
		for _, m := range security.MaskedReads {
			paths = append(paths, m.Path)
		}
		host.Present = security.PresentOnHost(paths, true)
	case security.Readonly:
		var paths []string
		for _, o := range security.ReadonlyOpens {
			paths = append(paths, o.Path)
		}
		host.Present = security.PresentOnHost(paths, false)
	case security.Devices:
		disk, rmDisk, err := security.HostDisk(ctx, e.FP.RootMount)
		if err != nil {
			matrix.Skip(e.Cell, "no block device the host itself can read ("+err.Error()+
				"): the check cannot tell the runtime's defence from the host's own policy")
		}
		DeferCleanup(rmDisk)
		flags = append(flags, "-rootdev", disk)
	case security.Handle:
		h, err := probes.HostHandle(e.FP.CanaryPath)
		if err != nil {
			matrix.Skip(e.Cell, "no file handle for the host canary: "+err.Error())
		}
		flags = append(flags, "-handle", h)
	case security.Modules:
		if ok, why := security.ModuleSupport(); !ok {
			matrix.Skip(e.Cell, why)
		}
	case security.Keyring:
		desc := fmt.Sprintf("lc-sec-p%d-%s", GinkgoParallelProcess(), e.FP.Nonce)
		serial, rm, err := security.PlantKey(desc)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func() {
			Expect(rm()).To(Succeed())
			Expect(security.KeyExists(serial)).To(BeFalse(), "key %d %q left behind", serial, desc)
		})
		flags = append(flags, "-key-desc", desc)
	case security.Kallsyms:
		if ok, why := security.KallsymsShown(); !ok {
			matrix.Skip(e.Cell, why)
		}
	case security.Proc1:
		if tn != "little-container" || art.Runtime == "" {
			matrix.Skip(e.Cell, "the suite knows the runtime binary of little-container only")
		}
		ino, err := security.DevIno(art.Runtime)
		Expect(err).NotTo(HaveOccurred())
		flags = append(flags, "-runtime-ino", ino)
	}
	return flags
}
