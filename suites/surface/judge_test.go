package surface

import (
	"testing"

	"github.com/little-container/little-container/probes"
	"github.com/little-container/little-container/suites/matrix"
)

func rep(as ...probes.Attempt) *probes.Report {
	return &probes.Report{Probe: "surface", Attempts: as, Complete: true}
}

func ok(name, value string) probes.Attempt {
	return probes.Attempt{Name: name, Outcome: probes.Succeeded, Value: value}
}

func failed(name, errno, value string) probes.Attempt {
	return probes.Attempt{Name: name, Outcome: probes.Failed, Errno: errno, Value: value}
}

func TestJudgePTY(t *testing.T) {
	const host = 26
	for _, tc := range []struct {
		name string
		r    *probes.Report
		want matrix.Status
	}{
		{"own devpts", rep(ok("pty-stdin-tty", ""), ok("pty-own-devpts", "90 90"), ok("pty-entries", "0,ptmx")), matrix.Pass},
		{"host's pty passed through", rep(ok("pty-stdin-tty", ""), failed("pty-own-devpts", "", "26 90"), ok("pty-entries", "ptmx")), matrix.Fail},
		{"host's devpts mounted inside", rep(ok("pty-stdin-tty", ""), ok("pty-own-devpts", "26 26"), ok("pty-entries", "0,1,2,ptmx")), matrix.Fail},
		{"no /dev/pts inside", rep(ok("pty-stdin-tty", ""), failed("pty-own-devpts", "ENOENT", "26 0")), matrix.Fail},
		{"no terminal", rep(failed("pty-stdin-tty", "ENOTTY", "")), matrix.Fail},
		{"others' ptys visible", rep(ok("pty-stdin-tty", ""), ok("pty-own-devpts", "90 90"), ok("pty-entries", "0,1,ptmx")), matrix.Fail},
		{"attempt missing", rep(ok("pty-stdin-tty", "")), matrix.Error},
	} {
		v := &matrix.Verdict{}
		JudgePTY(v, tc.r, host)
		if got := v.Status(); got != tc.want {
			t.Errorf("%s: %s, want %s (%v %v)", tc.name, got, tc.want, v.Leaks, v.Problems)
		}
	}
}

func TestJudgeNet(t *testing.T) {
	refused := rep(failed("net-host-loopback", "ECONNREFUSED", ""), failed("net-gateway-loopback", "ECONNREFUSED", ""), ok("net-listen", "8080"))
	for _, tc := range []struct {
		name      string
		r         *probes.Report
		listeners []int
		loopback  bool // JudgeLoopback, else JudgeListeners
		want      matrix.Status
	}{
		{"nothing reached", refused, nil, true, matrix.Pass},
		{"nothing listens", refused, nil, false, matrix.Pass},
		{"published port", refused, []int{41000}, false, matrix.Fail},
		{"published port is not the loopback row's", refused, []int{41000}, true, matrix.Pass},
		{"host loopback reached", rep(ok("net-host-loopback", ""), failed("net-gateway-loopback", "ENETUNREACH", ""), ok("net-listen", "")), nil, true, matrix.Fail},
		{"host loopback is not the listener row's", rep(ok("net-host-loopback", ""), failed("net-gateway-loopback", "ENETUNREACH", ""), ok("net-listen", "")), nil, false, matrix.Pass},
		{"gateway leads to loopback", rep(failed("net-host-loopback", "ECONNREFUSED", ""), ok("net-gateway-loopback", ""), ok("net-listen", "")), nil, true, matrix.Fail},
		{"odd errno", rep(failed("net-host-loopback", "EPERM", ""), failed("net-gateway-loopback", "ECONNREFUSED", ""), ok("net-listen", "")), nil, true, matrix.Error},
		{"could not listen", rep(failed("net-listen", "EADDRINUSE", "")), nil, false, matrix.Error},
	} {
		v := &matrix.Verdict{}
		if tc.loopback {
			JudgeLoopback(v, tc.r)
		} else {
			JudgeListeners(v, tc.r, tc.listeners)
		}
		if got := v.Status(); got != tc.want {
			t.Errorf("%s: %s, want %s (%v %v)", tc.name, got, tc.want, v.Leaks, v.Problems)
		}
	}
}

func TestJudgeVolumeAndReadOnly(t *testing.T) {
	inside := rep(ok("volume-marker", "m"), failed("volume-link-out", "ENOENT", ""))
	for _, tc := range []struct {
		name    string
		r       *probes.Report
		outside []string
		refused bool
		want    matrix.Status
	}{
		{"inside", inside, nil, false, matrix.Pass},
		{"created outside", inside, []string{"data"}, false, matrix.Fail},
		{"refused, nothing outside", nil, nil, true, matrix.Pass},
		{"canary read", rep(ok("volume-marker", "m"), ok("volume-link-out", "")), nil, false, matrix.Fail},
		{"volume missing", rep(failed("volume-marker", "ENOENT", ""), failed("volume-link-out", "ENOENT", "")), nil, false, matrix.Error},
	} {
		v := &matrix.Verdict{}
		JudgeVolume(v, tc.r, "m", tc.outside, tc.refused)
		if got := v.Status(); got != tc.want {
			t.Errorf("volume %s: %s, want %s", tc.name, got, tc.want)
		}
	}
	held := rep(ok("ro-statfs", "ro"), failed("ro-write", "EROFS", ""), failed("ro-remount", "EPERM", ""))
	for _, tc := range []struct {
		name    string
		r       *probes.Report
		created []string
		want    matrix.Status
	}{
		{"held", held, nil, matrix.Pass},
		{"written", rep(ok("ro-statfs", "rw"), ok("ro-write", ""), failed("ro-remount", "EPERM", "")), []string{"f"}, matrix.Fail},
		{"remounted", rep(ok("ro-statfs", "ro"), failed("ro-write", "EROFS", ""), ok("ro-remount", "")), nil, matrix.Fail},
		{"statfs says rw, writes refused", rep(ok("ro-statfs", "rw"), failed("ro-write", "EROFS", ""), failed("ro-remount", "EPERM", "")), nil, matrix.Pass},
	} {
		v := &matrix.Verdict{}
		JudgeReadOnly(v, tc.r, tc.created)
		if got := v.Status(); got != tc.want {
			t.Errorf("ro %s: %s, want %s", tc.name, got, tc.want)
		}
	}
}
