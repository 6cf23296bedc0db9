package main

import (
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/little-container/little-container/runtime/capability"
)

// statusField reads one "Name:\tvalue" line of /proc/self/status output.
func statusField(t *testing.T, status, name string) string {
	t.Helper()
	for _, l := range strings.Split(status, "\n") {
		if v, ok := strings.CutPrefix(l, name+":"); ok {
			return strings.TrimSpace(v)
		}
	}
	t.Fatalf("no %s in status:\n%s", name, status)
	return ""
}

func TestHardeningDefaultsAndWeakenings(t *testing.T) {
	needRoot(t)
	t.Parallel()
	root := makeRootfs(t)
	status := func(flags ...string) string {
		r := lc(t, testCtx(t), append(append([]string{"run", "--rootfs", root}, flags...), "cat", "/proc/self/status")...)
		if r.code != 0 {
			t.Fatalf("%v: exit %d: %s", flags, r.code, r.stderr)
		}
		return r.stdout
	}
	def := status()
	for _, set := range []string{"CapEff", "CapPrm", "CapBnd"} {
		got, err := capability.ParseMask(statusField(t, def, set))
		if err != nil {
			t.Fatal(err)
		}
		want := capability.NewSet(capability.Default...)
		if extra := capability.Diff(got, want); len(extra) > 0 {
			t.Errorf("%s holds more than the default set: %v", set, extra)
		}
		if got.Has(21) {
			t.Errorf("%s holds CAP_SYS_ADMIN", set)
		}
	}
	if amb := statusField(t, def, "CapAmb"); amb != "0000000000000000" {
		t.Errorf("ambient set %s, want empty", amb)
	}
	if v := statusField(t, def, "NoNewPrivs"); v != "1" {
		t.Errorf("NoNewPrivs %s, want 1", v)
	}
	if v := statusField(t, def, "Seccomp"); v != "2" {
		t.Errorf("Seccomp mode %s, want 2 (filter)", v)
	}

	weak := status("--cap-add", "ALL", "--allow-new-privileges", "--seccomp", "unconfined")
	eff, _ := capability.ParseMask(statusField(t, weak, "CapEff"))
	if !eff.Has(21) {
		t.Errorf("--cap-add ALL: CAP_SYS_ADMIN missing from %v", eff.Names())
	}
	if v := statusField(t, weak, "NoNewPrivs"); v != "0" {
		t.Errorf("--allow-new-privileges: NoNewPrivs %s", v)
	}
	if v := statusField(t, weak, "Seccomp"); v != "0" {
		t.Errorf("--seccomp unconfined: Seccomp mode %s", v)
	}
	drop := status("--cap-drop", "ALL", "--cap-add", "NET_RAW")
	eff, _ = capability.ParseMask(statusField(t, drop, "CapEff"))
	if got := eff.Names(); len(got) != 1 || got[0] != "CAP_NET_RAW" {
		t.Errorf("--cap-drop ALL --cap-add NET_RAW: %v", got)
	}
}

func TestMaskedAndReadonlyPaths(t *testing.T) {
	needRoot(t)
	t.Parallel()
	root := makeRootfs(t)
	mounts := func(flags ...string) map[string]string {
		r := lc(t, testCtx(t), append(append([]string{"run", "--rootfs", root}, flags...), "cat", "/proc/self/mountinfo")...)
		if r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		m := map[string]string{}
		for _, l := range strings.Split(r.stdout, "\n") {
			if f := strings.Fields(l); len(f) > 5 {
				m[f[4]] = f[5]
			}
		}
		return m
	}
	def := mounts()
	if opts, ok := def["/proc/sys"]; !ok || !strings.HasPrefix(opts, "ro") {
		t.Errorf("/proc/sys not a read-only mount: %q", opts)
	}
	if _, ok := def["/proc/timer_list"]; !ok {
		t.Errorf("/proc/timer_list not masked")
	}
	if opts := def["/"]; !strings.Contains(opts, "nodev") {
		t.Errorf("rootfs mounted without nodev: %q", opts)
	}
	weak := mounts("--unmask", "--allow-devices")
	if _, ok := weak["/proc/sys"]; ok {
		t.Errorf("--unmask still mounts /proc/sys read-only")
	}
	// A bind mount keeps nodev from the filesystem it comes from: only
	// where the host's mount allows devices can the weakening show.
	var st unix.Statfs_t
	if err := unix.Statfs(root, &st); err != nil {
		t.Fatal(err)
	}
	if st.Flags&unix.ST_NODEV != 0 {
		t.Logf("the rootfs lies on a nodev mount of the host: --allow-devices cannot be shown here")
	} else if strings.Contains(weak["/"], "nodev") {
		t.Errorf("--allow-devices still mounts the rootfs nodev")
	}
}
