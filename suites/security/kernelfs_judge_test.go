package security

import (
	"strings"
	"testing"

	"github.com/little-container/little-container/probes"
	"github.com/little-container/little-container/suites/matrix"
)

func TestJudgeKernel(t *testing.T) {
	mounts := probes.Attempt{Name: "kernelfs-mounts", Outcome: probes.Succeeded, Value: "proc / /proc\nproc / /p1"}
	held := probes.Attempt{Name: "masked:/proc/keys", Outcome: probes.Failed, Value: "/proc/keys", Detail: "read nothing"}
	leaked := probes.Attempt{Name: "masked:/p1/keys", Outcome: probes.Succeeded, Value: "/proc/keys", Detail: "read 549 bytes"}
	host := KernelHost{Present: map[string]string{"/proc/keys": ""}, Mounts: []string{"proc / /proc", "proc / /p1"}}
	for _, c := range []struct {
		name string
		rep  *probes.Report
		h    KernelHost
		want matrix.Status
		why  string
	}{
		{"held everywhere", report(mounts, held), host, matrix.Pass, ""},
		{"reached through a second proc", report(mounts, held, leaked), host, matrix.Fail, "at /p1"},
		{"a proc mount the probe missed", report(probes.Attempt{Name: "kernelfs-mounts", Outcome: probes.Succeeded, Value: "proc / /proc"}, held), host, matrix.Error, "/p1"},
		{"path not tried", report(mounts), host, matrix.Error, "did not try"},
		{"host lacks it", report(mounts, held), KernelHost{Present: map[string]string{"/proc/keys": "no such file"}, Mounts: host.Mounts}, matrix.Skipped, "nothing to defend"},
		{"host lacks it but the container reads it", report(mounts, leaked, held), KernelHost{Present: map[string]string{"/proc/keys": "no such file"}, Mounts: host.Mounts}, matrix.Fail, "549"},
	} {
		v := &matrix.Verdict{}
		JudgeKernel(v, KernelMasked, c.rep, c.h)
		c1 := v.Apply(matrix.Cell{})
		if c1.Status != c.want || !strings.Contains(c1.Reason, c.why) {
			t.Errorf("%s: got %s (%s), want %s containing %q", c.name, c1.Status, c1.Reason, c.want, c.why)
		}
	}
	v := &matrix.Verdict{}
	JudgeKernel(v, KernelMasked, report(mounts, held, leaked), host)
	if v.Score != "1 of 2 held" {
		t.Errorf("score %q", v.Score)
	}
}
