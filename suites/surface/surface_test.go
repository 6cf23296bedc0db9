package surface_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/little-container/little-container/suites/check"
	"github.com/little-container/little-container/suites/matrix"
	"github.com/little-container/little-container/suites/surface"
	"github.com/little-container/little-container/suites/target"
)

// containerPort is where the probe listens inside its own network
// namespace in the slirp rows.
const containerPort = 8080

// row is one check or control of the suite.
type row struct {
	Kind    string // volume, ro, pty, loopback, publish
	Row     string
	Control bool
	Opts    target.RunOpts // the knobs that make the control weak
	// Matrix names the matrix row where the check's name carries its knob
	// ("(--tty)"), so that the check and its control share one row.
	Matrix string
}

// RowName and IsControl make a row a check.Row.
func (r row) RowName() string { return r.Row }

// IsControl reports whether the row is a negative control.
func (r row) IsControl() bool { return r.Control }

// The matrix rows whose checks name their knob.
const (
	pty      = "pty is the container's own"
	loopback = "slirp: the host's loopback stays out of reach"
	publish  = "slirp: no host port listens unasked"
)

func rows() []row {
	return []row{
		{Kind: "volume", Row: "volume links stay inside the rootfs"},
		{Kind: "volume", Row: "volume links stay inside the rootfs [control: --unsafe-follow-rootfs-links]", Control: true,
			Opts: target.RunOpts{FollowRootfsLinks: true}},
		{Kind: "ro", Row: "ro volume holds"},
		{Kind: "ro", Row: "ro volume holds [control: volume rw]", Control: true},
		{Kind: "pty", Row: pty + " (--tty)", Matrix: pty, Opts: target.RunOpts{TTY: true}},
		{Kind: "pty", Row: pty + " [control: no --tty, the host's terminal]", Matrix: pty, Control: true},
		// One probe run judges two things, each with the control that
		// weakens it: two rows, so neither control hides the other.
		{Kind: "loopback", Row: loopback + " (--net slirp)", Matrix: loopback, Opts: target.RunOpts{Net: "slirp"}},
		{Kind: "loopback", Row: loopback + " [control: --share net]", Matrix: loopback, Control: true,
			Opts: target.RunOpts{Share: []string{"net"}}},
		{Kind: "publish", Row: publish + " (--net slirp)", Matrix: publish, Opts: target.RunOpts{Net: "slirp"}},
		{Kind: "publish", Row: publish + " [control: --publish]", Matrix: publish, Control: true,
			Opts: target.RunOpts{Net: "slirp", Publish: []string{"publish"}}},
	}
}

var _ = Describe("ways in", Label("surface"), func() {
	check.TablePerTarget("do not widen into ways out", rows, 45*time.Second, runRow)
})

func runRow(ctx SpecContext, tn string, r row) {
	cell := matrix.Cell{Area: "surface", Check: r.Row, Row: r.Matrix, Target: tn, Control: r.Control}
	e := check.Prepare(ctx, art, cell, true)
	switch r.Kind {
	case "volume":
		runVolume(ctx, e, r)
	case "ro":
		runReadOnly(ctx, e, r)
	case "pty":
		runPTY(ctx, e, r)
	case "loopback", "publish":
		runNet(ctx, e, r)
	}
}

// hostDir makes an empty directory for the check, readable by everyone.
func hostDir(prefix string) string {
	GinkgoHelper()
	d, err := os.MkdirTemp("", fmt.Sprintf("lc-surface-p%d-%s-", GinkgoParallelProcess(), prefix))
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(os.RemoveAll, d)
	Expect(os.Chmod(d, 0o755)).To(Succeed())
	return d
}

// runVolume: the rootfs's /vol is a link to a sacrificial host directory
// and the volume goes to /vol/data; the volume holds a marker and a link
// to the canary's host directory.
func runVolume(ctx context.Context, e *check.Env, r row) {
	outside := hostDir("outside")
	vol := hostDir("vol")
	marker := "surface-" + e.FP.Nonce
	Expect(os.WriteFile(filepath.Join(vol, "marker"), []byte(marker+"\n"), 0o644)).To(Succeed())
	Expect(os.Symlink(filepath.Dir(e.FP.CanaryPath), filepath.Join(vol, "out"))).To(Succeed())
	Expect(os.Symlink(outside, filepath.Join(e.Rootfs, "vol"))).To(Succeed())
	o := r.Opts
	o.Args = e.ProbeArgs("surface", "-volume", "/vol/data")
	o.Volumes = []target.Volume{{Host: vol, Container: "/vol/data"}}
	res := e.Run(ctx, o)
	after, err := surface.Entries(outside)
	Expect(err).NotTo(HaveOccurred())
	v := judge(res)
	v.Note("sacrificial directory %s (the rootfs's /vol links there) after the run: %v", outside, after)
	surface.JudgeVolume(v, res.Report, marker, after, refused(res))
	e.Finish(v)
}

// runReadOnly: an empty host directory as a read-only volume at /ro.
func runReadOnly(ctx context.Context, e *check.Env, r row) {
	vol := hostDir("ro")
	o := r.Opts
	o.Args = e.ProbeArgs("surface", "-ro", "/ro")
	o.Volumes = []target.Volume{{Host: vol, Container: "/ro", ReadOnly: !r.Control}}
	res := e.Run(ctx, o)
	created, err := surface.Entries(vol)
	Expect(err).NotTo(HaveOccurred())
	v := check.Judge(res)
	v.Note("volume host directory %s after the run: %v", vol, created)
	surface.JudgeReadOnly(v, res.Report, created)
	e.Finish(v)
}

// runPTY: the runtime is handed a terminal of the host's devpts as stdin.
func runPTY(ctx context.Context, e *check.Env, r row) {
	pty, err := surface.OpenHostPTY()
	if err != nil {
		matrix.Skip(e.Cell, err.Error())
	}
	DeferCleanup(pty.Close)
	hostPts, err := surface.HostPtsDev()
	Expect(err).NotTo(HaveOccurred())
	o := r.Opts
	o.Args = e.ProbeArgs("surface", "-pty")
	o.Stdin = pty.Slave
	res := e.Run(ctx, o)
	v := check.Judge(res)
	v.Note("host /dev/pts is device %d; the runtime's stdin was a pty of it", hostPts)
	surface.JudgePTY(v, res.Report, hostPts)
	e.Finish(v)
}

// runNet: the probe tries the host's loopback listener and, with slirp,
// listens inside while the host looks for sockets of the runtime's
// process tree listening on the host. A loopback row judges the first,
// a publish row the second.
func runNet(ctx context.Context, e *check.Env, r row) {
	o := r.Opts
	slirp := o.Net != ""
	args := []string{"-net"}
	if slirp {
		args = append(args, "-listen", fmt.Sprint(containerPort), "-hold")
	}
	o.Args = e.ProbeArgs("surface", args...)
	if slirp {
		// User-mode networking is slirp4netns for every runtime that has
		// it here; without the program the row cannot run (a VM guest
		// gets the host's copy from verify-vm, if the host has one).
		if ok, why := target.Supports(e.Target, o); !ok {
			matrix.Skip(e.Cell, why)
		}
		if _, err := exec.LookPath("slirp4netns"); err != nil {
			matrix.Skip(e.Cell, "slirp4netns is not installed (Debian package slirp4netns): no user-mode networking to judge")
		}
	}
	if len(o.Publish) > 0 {
		o.Publish = []string{fmt.Sprintf("127.0.0.1:%d:%d", freePort(), containerPort)}
	}
	var ports []int
	if slirp {
		o.Inspect = func(ctx context.Context, live *target.Live) error {
			for {
				if cpid := live.ContainerPID(); cpid > 0 && surface.ContainerListens(cpid, containerPort) {
					break
				}
				select {
				case <-ctx.Done():
					return ctx.Err()
				case <-live.Done():
					return errors.New("the container ended before it listened")
				case <-time.After(20 * time.Millisecond):
				}
			}
			var err error
			ports, err = surface.ListenersOf(live.RuntimePID)
			return err
		}
	}
	res := e.Run(ctx, o)
	v := check.Judge(res)
	if slirp {
		v.Note("host ports the runtime's processes listened on while the container served :%d: %v", containerPort, ports)
	}
	if r.Kind == "loopback" {
		surface.JudgeLoopback(v, res.Report)
	} else {
		surface.JudgeListeners(v, res.Report, ports)
	}
	e.Finish(v)
}

// judge is check.Judge, except that a runtime that refused to start (no
// report, non-zero exit) is not a broken run: refusing a hostile rootfs
// is a safe answer, judged by what it left outside.
func judge(res *target.Result) *matrix.Verdict {
	if refused(res) {
		return &matrix.Verdict{Evidence: check.Judge(res).Evidence}
	}
	return check.Judge(res)
}

func refused(res *target.Result) bool {
	return res.Report == nil && res.ExitCode != 0 && len(res.Stdout) == 0
}

// freePort is a host port nothing listens on right now.
func freePort() int {
	GinkgoHelper()
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
