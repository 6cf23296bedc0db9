package target

import (
	"reflect"
	"strings"
	"testing"
)

func argvOf(t *testing.T, tmpl string, o RunOpts) []string {
	t.Helper()
	words, err := parseTemplateWords(tmpl)
	if err != nil {
		t.Fatalf("parse %q: %v", tmpl, err)
	}
	vals := knobValues(o)
	vals["rootfs"] = one(o.Rootfs)
	vals["state"] = one("/s")
	got, err := expandArgv(words, vals, o.Args)
	if err != nil {
		t.Fatalf("expand %q: %v", tmpl, err)
	}
	return got
}

func TestTemplateExpansion(t *testing.T) {
	probe := []string{"/probe", "ns", "--fp", "a b"}
	for _, tc := range []struct {
		name, tmpl string
		o          RunOpts
		want       []string
	}{
		{"plain forms, set", `./myrt run --rootfs {rootfs} --hostname={hostname} --pids-max {pids} -- {cmd}`,
			RunOpts{Rootfs: "/r", Hostname: "h", PidsMax: 32, Args: probe},
			[]string{"./myrt", "run", "--rootfs", "/r", "--hostname=h", "--pids-max", "32", "--", "/probe", "ns", "--fp", "a b"}},
		{"plain forms of unset knobs drop with their option", `rt --pids-max {pids} --memory={memory} --cpus {cpus} {cmd}`,
			RunOpts{Args: []string{"/probe"}}, []string{"rt", "/probe"}},
		{"a word holding an unset knob drops with its option too", `rt -s uts={hostname} -s net=empty --x=a{pids}b {cmd}`,
			RunOpts{Args: []string{"/probe"}}, []string{"rt", "-s", "net=empty", "/probe"}},
		{"a word holding a set knob stays with its option", `rt -s uts={hostname} -s net=empty {cmd}`,
			RunOpts{Hostname: "h", Args: []string{"/probe"}}, []string{"rt", "-s", "uts=h", "-s", "net=empty", "/probe"}},
		{"conditional fragments", `rt {pids:--pids-max %} {memory:--memory % --memory-swap %} {cmd}`,
			RunOpts{Memory: 1 << 20, Args: []string{"/probe"}}, []string{"rt", "--memory", "1048576", "--memory-swap", "1048576", "/probe"}},
		{"negation and conjunction", `bwrap {!share-user&!cap-add:--unshare-user-try} {!share-net:--unshare-net} {cmd}`,
			RunOpts{Share: []string{"net"}, Args: []string{"/probe"}}, []string{"bwrap", "--unshare-user-try", "/probe"}},
		{"a list repeats its fragment, join makes one word", `rt {cap-add|cap:--cap-add %} {share|join:--share %} {cmd}`,
			RunOpts{CapAdd: []string{"sys_admin", "ALL"}, Share: []string{"pid", "net"}, Args: []string{"/probe"}},
			[]string{"rt", "--cap-add", "CAP_SYS_ADMIN", "--cap-add", "ALL", "--share", "pid,net", "/probe"}},
		{"fields and nested placeholders", `rt {volume-ro:--ro-bind %1 %2} {rootless:--root {state}} {user:--uid %1 --gid %2} {cmd}`,
			RunOpts{Volumes: []Volume{{Host: "/h", Container: "/c", ReadOnly: true}}, Rootless: true, User: "7", Args: []string{"/probe"}},
			[]string{"rt", "--ro-bind", "/h", "/c", "--root", "/s", "--uid", "7", "--gid", "7", "/probe"}},
		{"one word of fragments", `runsc {share-net:--network=host}{!share-net:--network=none} {cmd}`,
			RunOpts{Args: []string{"/probe"}}, []string{"runsc", "--network=none", "/probe"}},
		{"filters", `rt {memory|mib:--memory=%M} {cap-add|cap|lower:--capability=%} {cmd}`,
			RunOpts{Memory: 32 << 20, CapAdd: []string{"SYSLOG"}, Args: []string{"/probe"}},
			[]string{"rt", "--memory=32M", "--capability=cap_syslog", "/probe"}},
		{"quotes inside a fragment keep blanks, %% is a percent", `rt {hostname:'--x %'} "--y=a b" {pids:--z=%%%} {cmd}`,
			RunOpts{Hostname: "h", PidsMax: 5, Args: []string{"/probe"}}, []string{"rt", "--x h", "--y=a b", "--z=%5", "/probe"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := argvOf(t, tc.tmpl, tc.o); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("argv =\n %q\nwant\n %q", got, tc.want)
			}
		})
	}
}

func TestTemplateRefusals(t *testing.T) {
	for tmpl, want := range map[string]string{
		"":                       "command is empty",
		"rt run":                 "exactly once",
		"rt {cmd} {cmd}":         "exactly once",
		"rt --x={cmd}":           "word of its own",
		"rt 'unterminated {cmd}": "unterminated single quote",
		"rt {rootf} {cmd}":       "unknown placeholder {rootf}",
		"rt {pids|bogus} {cmd}":  "unknown filter",
		"rt {!pids} {cmd}":       "needs a fragment",
		"rt {pids:x {cmd}":       "unterminated placeholder",
	} {
		_, err := CommandProfile("cmd", tmpl, "")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("CommandProfile(%q) = %v, want an error with %q", tmpl, err, want)
		}
	}
}

func TestCommandProfileCan(t *testing.T) {
	p, err := CommandProfile("student", `./myrt run --rootfs {rootfs} --hostname {hostname} {pids:--pids-max %} {cmd}`, "/home/s")
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[Knob]bool{
		KnobHostname: true, KnobPidsMax: true, KnobMemory: false, KnobInspect: true, KnobInheritFD: true,
		KnobChroot: false, KnobCapAdd: false, ShareKnob("net"): false,
	} {
		if ok, why := p.Can(k); ok != want || (!ok && why == "") {
			t.Errorf("Can(%s) = %v %q, want %v with a reason", k, ok, why, want)
		}
	}
	if _, why := p.Can(KnobMemory); !strings.Contains(why, "{memory}") {
		t.Errorf("Can(memory) reason = %q", why)
	}
	if ok, why := Supports(p, RunOpts{Hostname: "h", Memory: 1}); ok || !strings.Contains(why, "{memory}") {
		t.Errorf("Supports(memory) = %v %q", ok, why)
	}
	costs := strings.Join(p.Costs(), "\n")
	for _, want := range []string{"no {memory}: these rows skip: cgroup: memory", "the controls that need chroot"} {
		if !strings.Contains(costs, want) {
			t.Errorf("Costs lack %q:\n%s", want, costs)
		}
	}
	if err := p.Resolve(nil); err == nil || !strings.Contains(err.Error(), "/home/s/myrt") {
		t.Errorf("Resolve of a missing ./myrt = %v", err)
	}
}

func TestProfileRefusals(t *testing.T) {
	base := "name = \"x\"\ncommand = \"rt {cmd}\"\n"
	for text, want := range map[string]string{
		base + "bogus = 1\n":                "unknown keys bogus",
		base + "[cannot]\nchrot = \"no\"\n": "unknown knob \"chrot\"",
		base + "[cannot]\nchroot = \"\"\n":  "no reason",
		"name = \"x\"\ncommand = \"rt {chroot:--chroot} {cmd}\"\n[cannot]\nchroot = \"no\"\n": "expresses it too",
		"name = \"x\"\nbundle = true\ncommand = \"rt run {bundle} {cmd}\"\n":                  "has no {cmd}",
		base + "[[file]]\nname = \"a/b\"\ncontent = \"\"\n":                                   "plain file name",
		base + "[[oci.edit]]\nop = \"set\"\npath = \"/x\"\nvalue = 1\n":                       "bundle = true",
	} {
		_, err := ParseProfile(text, "t.toml", "")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseProfile(%q) = %v, want %q", text, err, want)
		}
	}
}

func TestIdentity(t *testing.T) {
	id := Identity{Args: []string{"/probe", "ns", "--fp", "X", "-hold"}}
	for cmdline, want := range map[string]bool{
		"/probe\x00ns\x00--fp\x00X\x00-hold\x00":                true,
		"/tmp/r/probe\x00ns\x00--fp\x00X\x00-hold\x00":          true,
		"runc\x00run\x00/probe\x00ns\x00--fp\x00X\x00-hold\x00": false,
		"/probe\x00ns\x00--fp\x00Y\x00-hold\x00":                false,
		"":                                                      false,
	} {
		if got := id.Matches([]byte(cmdline)); got != want {
			t.Errorf("Matches(%q) = %v, want %v", cmdline, got, want)
		}
	}
	st := ParseStatus("Name:\tprobe\nPPid:\t41\nNSpid:\t42\t1\n")
	if st.PPid != 41 || !reflect.DeepEqual(st.NSpid, []int{42, 1}) || !strings.Contains(st.Describe(42), "pid 1 in its own") {
		t.Errorf("ParseStatus = %+v %q", st, st.Describe(42))
	}
	// The probe is the match whose parent is not one: its forks share its
	// command line.
	if got := Topmost(map[int]ProcStatus{42: {PPid: 41}, 50: {PPid: 42}, 51: {PPid: 50}}); got != 42 {
		t.Errorf("Topmost = %d, want 42", got)
	}
}

func TestEditJSON(t *testing.T) {
	doc := map[string]any{"process": map[string]any{"capabilities": map[string]any{"bounding": []any{"CAP_CHOWN"}}}, "linux": map[string]any{}}
	out, err := editJSON(doc, "append", "/process/capabilities/bounding", "CAP_SYS_ADMIN")
	if err != nil {
		t.Fatal(err)
	}
	if out, err = editJSON(out, "set", "/linux/sysctl/net.ipv4.ip_forward", "1"); err != nil {
		t.Fatal(err)
	}
	if out, err = editJSON(out, "remove", "/process/capabilities/bounding/0", nil); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"process": map[string]any{"capabilities": map[string]any{"bounding": []any{"CAP_SYS_ADMIN"}}},
		"linux": map[string]any{"sysctl": map[string]any{"net.ipv4.ip_forward": "1"}}}
	if !reflect.DeepEqual(out, want) {
		t.Errorf("edited = %v", out)
	}
	if _, err := editJSON(out, "set", "/process/capabilities/bounding/7", "x"); err == nil {
		t.Error("set past an array's end accepted")
	}
}
