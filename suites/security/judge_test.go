package security

import (
	"strings"
	"testing"

	"github.com/little-container/little-container/probes"
	"github.com/little-container/little-container/runtime/capability"
	"github.com/little-container/little-container/suites/matrix"
)

func report(as ...probes.Attempt) *probes.Report {
	return &probes.Report{Probe: "t", Attempts: as, Complete: true}
}

func capsAttempt(name, key string, s capability.Set) probes.Attempt {
	return probes.Attempt{Name: name, Outcome: probes.Succeeded, Value: strings.Join(s.Names(), ","),
		Detail: key + " " + maskHex(s) + ": n capabilities"}
}

func maskHex(s capability.Set) string {
	const digits = "0123456789abcdef"
	b := make([]byte, 16)
	for i := 15; i >= 0; i-- {
		b[i] = digits[uint64(s)&0xf]
		s >>= 4
	}
	return string(b)
}

func capsReport(eff capability.Set, amb string) *probes.Report {
	def := capability.NewSet(capability.Default...)
	return report(capsAttempt("cap-eff", "CapEff", eff), capsAttempt("cap-prm", "CapPrm", def),
		capsAttempt("cap-inh", "CapInh", 0), capsAttempt("cap-bnd", "CapBnd", def),
		probes.Attempt{Name: "cap-amb", Outcome: probes.Succeeded, Value: amb, Detail: "CapAmb 0000000000000000: 0 capabilities"})
}

func TestJudgeCaps(t *testing.T) {
	def := capability.NewSet(capability.Default...)
	admin, _ := capability.Parse("SYS_ADMIN")
	for _, tc := range []struct {
		name string
		rep  *probes.Report
		want matrix.Status
	}{
		{"default set", capsReport(def, ""), matrix.Pass},
		{"subset", capsReport(def&^capability.NewSet(0), ""), matrix.Pass},
		{"sys_admin added", capsReport(def|capability.NewSet(admin), ""), matrix.Fail},
		{"ambient kept", capsReport(def, "CAP_CHOWN"), matrix.Fail},
		{"unknown bit", report(probes.Attempt{Name: "cap-eff", Outcome: probes.Succeeded, Value: "CAP_63", Detail: "CapEff 8000000000000000: 1"}), matrix.Fail},
		{"unreadable", report(probes.Attempt{Name: "cap-eff", Outcome: probes.Failed, Errno: "EACCES"}), matrix.Error},
	} {
		v := &matrix.Verdict{}
		Judge(v, Caps, Reports{Caps: tc.rep}, false, Host{})
		if got := v.Status(); got != tc.want {
			t.Errorf("%s: status %s, want %s (%v %v)", tc.name, got, tc.want, v.Leaks, v.Problems)
		}
	}
}

func TestDecodeSetNamesAgainstMask(t *testing.T) {
	def := capability.NewSet(capability.Default...)
	set, unknown, mask, ok := DecodeSet(capsAttempt("cap-eff", "CapEff", def))
	if !ok || set != def || mask != def || len(unknown) != 0 {
		t.Fatalf("DecodeSet = %v %v %v %v, want the default set twice", set, unknown, mask, ok)
	}
}

func sys(name, errno, verdict string) probes.Attempt {
	out := probes.Failed
	if verdict == probes.VerdictKernel {
		out = probes.Succeeded
	}
	return probes.Attempt{Name: "syscall-" + name, Outcome: out, Errno: errno, Value: errno, Detail: verdict + ": call"}
}

func seccompReport(f func(name string) probes.Attempt) *probes.Report {
	r := report()
	for _, c := range DeniedCalls {
		r.Attempts = append(r.Attempts, f(c))
	}
	return r
}

func TestJudgeSeccomp(t *testing.T) {
	filtered := seccompReport(func(n string) probes.Attempt { return sys(n, "EPERM", probes.VerdictSeccomp) })
	open := seccompReport(func(n string) probes.Attempt { return sys(n, "EFAULT", probes.VerdictKernel) })
	oneOpen := seccompReport(func(n string) probes.Attempt {
		if n == "bpf" {
			return sys(n, "EFAULT", probes.VerdictKernel)
		}
		return sys(n, "EPERM", probes.VerdictSeccomp)
	})
	capFirst := seccompReport(func(n string) probes.Attempt {
		if n == "finit_module" {
			return sys(n, "EPERM", probes.VerdictAmbiguous)
		}
		return sys(n, "EFAULT", probes.VerdictKernel)
	})
	for _, tc := range []struct {
		name    string
		rep     *probes.Report
		control bool
		want    matrix.Status
	}{
		{"check, all filtered", filtered, false, matrix.Pass},
		{"check, one reaches the kernel", oneOpen, false, matrix.Fail},
		{"control, all reach the kernel", open, true, matrix.Fail},
		{"control, a capability check remains", capFirst, true, matrix.Fail},
		{"control, filter still answering", oneOpen, true, matrix.Error},
		{"control, no filter, the kernel answering EPERM", withAttempt(oneOpen, probes.Attempt{Name: "seccomp-filters", Outcome: probes.Succeeded, Value: "0"}), true, matrix.Fail},
		{"check, other errno", seccompReport(func(n string) probes.Attempt { return sys(n, "EACCES", probes.VerdictSeccomp) }), false, matrix.Error},
	} {
		v := &matrix.Verdict{}
		Judge(v, Seccomp, Reports{Security: tc.rep}, tc.control, Host{FilterErrno: "EPERM"})
		if got := v.Status(); got != tc.want {
			t.Errorf("%s: status %s, want %s (%v %v)", tc.name, got, tc.want, v.Leaks, v.Problems)
		}
	}
}

func TestJudgeMaskedNeedsTheHost(t *testing.T) {
	masked := report(
		probes.Attempt{Name: "read-timer-list", Outcome: probes.Failed, Value: "0"},
		probes.Attempt{Name: "read-proc-keys", Outcome: probes.Failed, Value: "0"},
		probes.Attempt{Name: "read-sched-debug", Outcome: probes.Failed, Errno: "ENOENT"},
		probes.Attempt{Name: "read-kcore", Outcome: probes.Failed, Errno: "ENOENT"},
		probes.Attempt{Name: "read-dev-mem", Outcome: probes.Failed, Errno: "ENOENT"},
	)
	hostReads := Host{Present: map[string]string{"/proc/timer_list": "", "/proc/keys": "", "/proc/kcore": "absent"}}
	hostNone := Host{Present: map[string]string{"/proc/timer_list": "absent"}}
	read := report(probes.Attempt{Name: "read-timer-list", Outcome: probes.Succeeded, Value: "9000"})
	for _, tc := range []struct {
		name string
		rep  *probes.Report
		host Host
		want matrix.Status
	}{
		{"masked, host reads", masked, hostReads, matrix.Pass},
		{"host reads nothing", masked, hostNone, matrix.Skipped},
		{"read inside", read, hostReads, matrix.Fail},
	} {
		v := &matrix.Verdict{}
		Judge(v, Masked, Reports{Security: tc.rep}, true, tc.host)
		if got := v.Status(); got != tc.want {
			t.Errorf("%s: status %s, want %s (%v %v %q)", tc.name, got, tc.want, v.Leaks, v.Problems, v.SkipWhy)
		}
	}
}

func TestJudgeSetns(t *testing.T) {
	for _, tc := range []struct {
		a    probes.Attempt
		want matrix.Status
	}{
		{probes.Attempt{Outcome: probes.Unsupported, Value: "0", Detail: "none inherited"}, matrix.Pass},
		{probes.Attempt{Outcome: probes.Succeeded, Value: "1", Detail: "joined"}, matrix.Fail},
		{probes.Attempt{Outcome: probes.Failed, Value: "1", Detail: "EPERM"}, matrix.Pass},
		{probes.Attempt{Outcome: probes.Unsupported, Detail: "list descriptors: EACCES"}, matrix.Skipped},
	} {
		tc.a.Name = "setns-inherited-fd"
		v := &matrix.Verdict{}
		Judge(v, Setns, Reports{Security: report(tc.a)}, false, Host{})
		if got := v.Status(); got != tc.want {
			t.Errorf("%+v: status %s, want %s", tc.a, got, tc.want)
		}
	}
}

func TestJudgeNoNewPrivs(t *testing.T) {
	nnp := func(v string) *probes.Report {
		return report(probes.Attempt{Name: "no-new-privs", Outcome: probes.Succeeded, Value: v})
	}
	gain := func(euid string, out probes.Outcome) *probes.Report {
		return report(probes.Attempt{Name: "setuid-gain", Outcome: out, Value: "65534/" + euid})
	}
	for _, tc := range []struct {
		name      string
		caps, sec *probes.Report
		want      matrix.Status
	}{
		{"set, not gained", nnp("1"), gain("65534", probes.Failed), matrix.Pass},
		{"unset, gained", nnp("0"), gain("0", probes.Succeeded), matrix.Fail},
		{"set, gained anyway", nnp("1"), gain("0", probes.Succeeded), matrix.Fail},
		{"set, helper not tried", nnp("1"), report(probes.Attempt{Name: "setuid-gain", Outcome: probes.Unsupported, Detail: "no helper"}), matrix.Skipped},
	} {
		v := &matrix.Verdict{}
		Judge(v, NoNewPrivs, Reports{Caps: tc.caps, Security: tc.sec}, false, Host{})
		if got := v.Status(); got != tc.want {
			t.Errorf("%s: status %s, want %s", tc.name, got, tc.want)
		}
	}
}

func withAttempt(r *probes.Report, a probes.Attempt) *probes.Report {
	out := *r
	out.Attempts = append(append([]probes.Attempt(nil), r.Attempts...), a)
	return &out
}
