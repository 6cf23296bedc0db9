package target

import (
	"context"
	"reflect"
	"strings"
	"testing"
)

func TestArgv(t *testing.T) {
	l := &LittleContainer{Bin: "lc"}
	o := RunOpts{Rootfs: "/r", Args: []string{"/probe", "ns"}, Hostname: "h", Share: []string{"pid", "net"},
		Chroot: true, PidsMax: 10, Memory: 1 << 20, UserNS: true, ID: "x"}
	got := l.Argv(o, "/p")
	want := []string{"run", "--rootfs", "/r", "--id", "x", "--hostname", "h", "--share", "pid,net", "--chroot",
		"--pids-max", "10", "--memory", "1048576", "--userns", "--pid-file", "/p", "/probe", "ns"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Argv =\n %q\nwant\n %q", got, want)
	}
	if got := l.Argv(RunOpts{Rootfs: "/r", Args: []string{"/probe"}}, ""); len(got) != 4 {
		t.Fatalf("minimal Argv = %q", got)
	}
}

type limited struct{ *LittleContainer }

func (limited) Name() string { return "limited" }
func (limited) Can(k Knob) (bool, string) {
	if k == KnobChroot {
		return false, "no chroot mode"
	}
	return true, ""
}

func TestSupports(t *testing.T) {
	ok, why := Supports(limited{}, RunOpts{Hostname: "h", Chroot: true})
	if ok || !strings.Contains(why, "chroot") {
		t.Fatalf("Supports = %v %q; want false naming chroot", ok, why)
	}
	if ok, _ := Supports(limited{}, RunOpts{Hostname: "h"}); !ok {
		t.Fatal("Supports(hostname) = false")
	}
	got := Needs(RunOpts{Share: []string{"ipc"}, Rootless: true, Inspect: func(context.Context, *Live) error { return nil }})
	if !reflect.DeepEqual(got, []Knob{"share-ipc", KnobRootless, KnobInspect}) {
		t.Fatalf("Needs = %v", got)
	}
	if ok, _ := (&LittleContainer{}).Can(ShareKnob("bogus")); ok {
		t.Fatal("Can(share-bogus) = true")
	}
}

func TestDecodeFindsLastReportLine(t *testing.T) {
	out := []byte("runtime says hi\n{\"probe\":\"ns\",\"attempts\":[],\"complete\":true}\n")
	r, err := decode(out)
	if err != nil || r.Probe != "ns" {
		t.Fatalf("decode = %+v, %v", r, err)
	}
	if _, err := decode([]byte(`{"probe":"ns","attempts":[]}`)); err == nil {
		t.Fatal("incomplete report decoded without error")
	}
	if _, err := decode(nil); err == nil {
		t.Fatal("empty output decoded without error")
	}
}

func TestExecuteInspectHoldsStdin(t *testing.T) {
	// /bin/cat stands in for a probe holding on stdin: it lives until the
	// host closes stdin, and Inspect runs while it lives.
	var sawLive bool
	res, err := execute(context.Background(), command{Path: "/bin/cat"}, RunOpts{
		Log: &strings.Builder{},
		Inspect: func(ctx context.Context, l *Live) error {
			select {
			case <-l.Done():
			default:
				sawLive = true
			}
			return nil
		},
	})
	if err != nil || !sawLive || res.ExitCode != 0 {
		t.Fatalf("execute = %+v, %v, live=%v", res, err, sawLive)
	}
	if res.DecodeErr == nil {
		t.Fatal("empty stdout decoded as a report")
	}
}

func TestExecuteContextKills(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := execute(ctx, command{Path: "/bin/sleep", Args: []string{"30"}}, RunOpts{Log: &strings.Builder{}})
	if err == nil || res.ExitCode != 128+9 {
		t.Fatalf("execute after cancel = %+v, %v; want killed", res, err)
	}
}

func TestIsStdinRead(t *testing.T) {
	if readSyscallNr != "0" {
		t.Skip("syscall numbers below are x86-64")
	}
	for text, want := range map[string]bool{
		"0 0x0 0x7faa0204c000 0x20000 0x0 0x0 0x0 0x7ffc 0x7faa": true,
		"0 0x3 0x7faa0204c000 0x20000 0x0 0x0 0x0 0x7ffc 0x7faa": false,
		"202 0x0 0x80 0x0 0x0 0x0 0x0 0x7ffc 0x7faa":             false,
		"running": false,
	} {
		if got := IsStdinRead(text); got != want {
			t.Errorf("IsStdinRead(%q) = %v, want %v", text, got, want)
		}
	}
}
