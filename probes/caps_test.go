package probes

import (
	"testing"
)

const statusSample = `Name:	probe
Umask:	0022
State:	R (running)
Uid:	1000	0	0	0
Gid:	100	100	100	100
NoNewPrivs:	1
Seccomp:	2
Seccomp_filters:	1
CapInh:	0000000000000000
CapPrm:	00000000a80425fb
CapEff:	00000000a80425fb
CapBnd:	00000000a80425fb
CapAmb:	0000000000000000
no colon here
`

func TestParseStatus(t *testing.T) {
	st := ParseStatus(statusSample)
	for k, want := range map[string]string{
		"Name": "probe", "Uid": "1000\t0\t0\t0", "Seccomp": "2", "Seccomp_filters": "1",
		"CapEff": "00000000a80425fb", "CapAmb": "0000000000000000", "State": "R (running)",
	} {
		if st[k] != want {
			t.Errorf("status[%q] = %q, want %q", k, st[k], want)
		}
	}
	if _, ok := st["no colon here"]; ok {
		t.Error("line without colon parsed")
	}
}

func TestRecordStatus(t *testing.T) {
	r := &Report{}
	recordStatus(r, ParseStatus(statusSample))
	want := map[string]string{
		"cap-inh": "", "cap-amb": "", "seccomp-mode": "2", "uid": "1000/0", "gid": "100/100",
		"cap-eff": "CAP_CHOWN,CAP_DAC_OVERRIDE,CAP_FOWNER,CAP_FSETID,CAP_KILL,CAP_SETGID,CAP_SETUID,CAP_SETPCAP,CAP_NET_BIND_SERVICE,CAP_NET_RAW,CAP_SYS_CHROOT,CAP_MKNOD,CAP_AUDIT_WRITE,CAP_SETFCAP",
	}
	for name, v := range want {
		a, ok := r.Attempt(name)
		if !ok || a.Outcome != Succeeded || a.Value != v {
			t.Errorf("%s = %+v (found %t), want succeeded %q", name, a, ok, v)
		}
	}
	if got := SplitCaps(mustAttempt(t, r, "cap-prm").Value); len(got) != 14 || got[0] != "CAP_CHOWN" {
		t.Errorf("SplitCaps(cap-prm) = %v", got)
	}
	if SplitCaps("") != nil {
		t.Error("SplitCaps(\"\") is not the empty set")
	}

	// A status without capability lines (gVisor has no CapAmb) records
	// them as not implemented here, never as passed; a malformed id line
	// fails.
	r = &Report{}
	recordStatus(r, ParseStatus("Name:\tx\nUid:\t0 0\n"))
	for _, n := range []string{"cap-eff", "cap-bnd", "cap-amb", "seccomp-mode"} {
		if a := mustAttempt(t, r, n); !IsNotImplemented(a) {
			t.Errorf("%s without its line: %+v, want not implemented here", n, a)
		}
	}
	for _, n := range []string{"uid", "gid"} {
		if a := mustAttempt(t, r, n); a.Outcome != Failed {
			t.Errorf("%s without its line: %+v, want failed", n, a)
		}
	}
}

func mustAttempt(t *testing.T, r *Report, name string) Attempt {
	t.Helper()
	a, ok := r.Attempt(name)
	if !ok {
		t.Fatalf("no attempt %q in %+v", name, r.Attempts)
	}
	return a
}
