package reference

import (
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/little-container/little-container/probes"
)

func TestListsHaveNoDuplicates(t *testing.T) {
	for name, l := range map[string][]string{
		"DockerDenied": DockerDeniedNames(), "MaskedPaths": MaskedPaths, "ReadonlyPaths": ReadonlyPaths,
		"InfoPaths": InfoPaths, "SysfsWriteCandidates": SysfsWriteCandidates, "ReadonlyWriteCandidates": ReadonlyWriteCandidates,
	} {
		seen := map[string]bool{}
		for _, s := range l {
			if seen[s] {
				t.Errorf("%s lists %s twice", name, s)
			}
			seen[s] = true
		}
	}
}

// The read-only candidates lie below the read-only paths, the sysfs ones in
// /sys: each tried path is judged by the reference it stands for.
func TestCandidatesBelowTheirReference(t *testing.T) {
	for _, p := range ReadonlyWriteCandidates {
		if !slices.ContainsFunc(ReadonlyPaths, func(r string) bool { return p == r || strings.HasPrefix(p, r+"/") }) {
			t.Errorf("%s is below no read-only path", p)
		}
	}
	for _, p := range SysfsWriteCandidates {
		if !strings.HasPrefix(p, "/sys/") {
			t.Errorf("%s is not in /sys", p)
		}
	}
}

// Every call of the reference has a harmless form in the probe on x86-64,
// so none goes untried there.
func TestDockerDeniedAllTried(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("the syscalls probe has harmless forms on x86-64 only")
	}
	have := probes.HarmlessCalls()
	for _, n := range DockerDeniedNames() {
		if !slices.Contains(have, n) {
			t.Errorf("no harmless form of %s", n)
		}
	}
}

func TestNamespaceWays(t *testing.T) {
	if NamespaceErrno("clone3") != "ENOSYS" || NamespaceErrno("unshare") != "EPERM" {
		t.Error("profile errnos")
	}
	if NamespaceRequestPossible("clone", "time") || !NamespaceRequestPossible("clone3", "time") {
		t.Error("clone has no CLONE_NEWTIME; clone3 has")
	}
	for _, f := range NamespaceFlags {
		if _, ok := probes.NSFlag[f]; !ok {
			t.Errorf("the probe has no flag for %s", f)
		}
	}
}
