package target

import (
	"reflect"
	"strings"
	"testing"
)

func TestSplitWords(t *testing.T) {
	for in, want := range map[string][]string{
		`./myrt run --rootfs {rootfs} -- {cmd}`: {"./myrt", "run", "--rootfs", "{rootfs}", "--", "{cmd}"},
		`a  'b c'  "d \"e\" \\f" g\ h`:          {"a", "b c", `d "e" \f`, "g h"},
		`x'y'"z"`:                               {"xyz"},
		`''`:                                    {""},
		"  \t ":                                 nil,
		`"$HOME" '$(x)'`:                        {"$HOME", "$(x)"},
	} {
		got, err := SplitWords(in)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("SplitWords(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{`a 'b`, `a "b`, `a\`} {
		if _, err := SplitWords(bad); err == nil {
			t.Errorf("SplitWords(%q) accepted", bad)
		}
	}
}

func TestNewCommandRejects(t *testing.T) {
	for _, tmpl := range []string{"", "rt run", "rt {cmd} {cmd}", "rt --x={cmd}", "rt 'unterminated"} {
		if _, err := NewCommand("", tmpl, ""); err == nil {
			t.Errorf("NewCommand(%q) accepted", tmpl)
		}
	}
}

func TestCommandArgvAndCan(t *testing.T) {
	c, err := NewCommand("", `./myrt run --rootfs {rootfs} --hostname={hostname} --pids-max {pids} --name lc-{id} -- {cmd}`, "/home/s")
	if err != nil {
		t.Fatal(err)
	}
	if c.Name() != "cmd" {
		t.Errorf("Name = %q", c.Name())
	}
	got := c.Argv(RunOpts{Rootfs: "/r", Hostname: "h", PidsMax: 32, ID: "x1", Args: []string{"/probe", "ns", "--fp", "a b"}})
	want := []string{"/home/s/myrt", "run", "--rootfs", "/r", "--hostname=h", "--pids-max", "32", "--name", "lc-x1", "--",
		"/probe", "ns", "--fp", "a b"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Argv =\n %q\nwant\n %q", got, want)
	}
	for k, want := range map[Knob]bool{
		KnobHostname: true, KnobPidsMax: true, KnobMemory: false, KnobInspect: true, KnobChroot: false,
		KnobUserNS: false, KnobRootless: false, KnobCapAdd: false, KnobSeccompOff: false, ShareKnob("net"): false,
	} {
		ok, why := c.Can(k)
		if ok != want || (!ok && why == "") {
			t.Errorf("Can(%s) = %v %q, want %v with a reason", k, ok, why, want)
		}
	}
	if _, why := c.Can(KnobMemory); why != "template has no {memory}" {
		t.Errorf("Can(memory) reason = %q", why)
	}
	if ok, why := Supports(c, RunOpts{Hostname: "h", Memory: 1 << 20}); ok || !strings.Contains(why, "{memory}") {
		t.Errorf("Supports(memory) = %v %q", ok, why)
	}
	// A program found on PATH or given absolutely is left alone.
	c2, _ := NewCommand("mine", `myrt {cmd}`, "/home/s")
	if got := c2.Argv(RunOpts{Args: []string{"/probe"}}); !reflect.DeepEqual(got, []string{"myrt", "/probe"}) || c2.Name() != "mine" {
		t.Errorf("Argv = %q name %q", got, c2.Name())
	}
}
