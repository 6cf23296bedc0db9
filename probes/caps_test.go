package probes

import (
	"reflect"
	"testing"
)

func TestDecodeCaps(t *testing.T) {
	tests := []struct {
		mask uint64
		want []string
	}{
		{0, nil},
		{1 << 0, []string{"CAP_CHOWN"}},
		{1<<21 | 1<<0, []string{"CAP_CHOWN", "CAP_SYS_ADMIN"}},
		{1 << 40, []string{"CAP_CHECKPOINT_RESTORE"}},
		{1<<41 | 1<<63, []string{"CAP_41", "CAP_63"}}, // newer than the table
		// Docker's default set: chown dac_override fowner fsetid kill setgid
		// setuid setpcap net_bind_service net_raw sys_chroot mknod
		// audit_write setfcap.
		{1<<0 | 1<<1 | 1<<3 | 1<<4 | 1<<5 | 1<<6 | 1<<7 | 1<<8 | 1<<10 | 1<<13 | 1<<18 | 1<<27 | 1<<29 | 1<<31,
			[]string{"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID",
				"CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW", "CAP_SYS_CHROOT", "CAP_MKNOD", "CAP_AUDIT_WRITE", "CAP_SETFCAP"}},
	}
	for _, tt := range tests {
		if got := DecodeCaps(tt.mask); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("DecodeCaps(%#x) = %v, want %v", tt.mask, got, tt.want)
		}
	}
	// Every bit of a full 41-capability set decodes to a distinct table name.
	all := DecodeCaps(1<<41 - 1)
	seen := map[string]bool{}
	for _, n := range all {
		if seen[n] || n == "" || n[:4] != "CAP_" {
			t.Errorf("bad or repeated name %q", n)
		}
		seen[n] = true
	}
	if len(all) != 41 {
		t.Errorf("41 bits decode to %d names", len(all))
	}
}

func TestCapNameTable(t *testing.T) {
	for bit, name := range map[int]string{
		0: "CAP_CHOWN", 2: "CAP_DAC_READ_SEARCH", 12: "CAP_NET_ADMIN", 16: "CAP_SYS_MODULE",
		19: "CAP_SYS_PTRACE", 21: "CAP_SYS_ADMIN", 27: "CAP_MKNOD", 38: "CAP_PERFMON", 39: "CAP_BPF", 40: "CAP_CHECKPOINT_RESTORE",
	} {
		if got := CapName(bit); got != name {
			t.Errorf("CapName(%d) = %q, want %q", bit, got, name)
		}
	}
}

func TestParseCapMask(t *testing.T) {
	tests := []struct {
		in      string
		want    uint64
		wantErr bool
	}{
		{"000001ffffffffff", 1<<41 - 1, false},
		{"00000000a80425fb", 0xa80425fb, false},
		{" 0000000000000000\n", 0, false},
		{"", 0, true},
		{"xyz", 0, true},
		{"10000000000000000", 0, true}, // 65 bits
	}
	for _, tt := range tests {
		got, err := ParseCapMask(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseCapMask(%q) = %#x, %v; want %#x, err %t", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

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

	// A status without capability lines fails the attempts, never passes them.
	r = &Report{}
	recordStatus(r, ParseStatus("Name:\tx\nUid:\t0 0\n"))
	for _, n := range []string{"cap-eff", "cap-bnd", "seccomp-mode", "uid", "gid"} {
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
