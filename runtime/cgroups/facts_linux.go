package cgroups

import (
	"fmt"
	"os"
	"path"
	"strings"

	"github.com/moby/sys/mountinfo"
	"golang.org/x/sys/unix"
)

// gatherFacts reads what plan needs for mode m, and nothing more.
func gatherFacts(m Mode, cfg Config) (hostFacts, error) {
	f := hostFacts{Mode: m, V2Root: cgroupRoot}
	if m == ModeNone || (cfg.Rootless && m != ModeUnified) {
		return f, nil
	}
	b, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return f, fmt.Errorf("cgroups: read /proc/self/cgroup: %w", err)
	}
	if f.Own, err = parseProcCgroup(string(b)); err != nil {
		return f, err
	}
	switch {
	case m == ModeV1 || m == ModeHybrid:
		infos, err := mountinfo.GetMounts(mountinfo.FSTypeFilter("cgroup"))
		if err != nil {
			return f, fmt.Errorf("cgroups: read mountinfo: %w", err)
		}
		f.V1 = v1MountsFrom(infos)
	case !cfg.Rootless:
		if f.V2Controllers, err = readList(path.Join(cgroupRoot, "cgroup.controllers")); err != nil {
			return f, err
		}
	case cfg.Parent != "":
		f.Ancestors = []cgroupFacts{readCgroupFacts(path.Join(cgroupRoot, cfg.cleanParent()))}
	case f.Own.hasUnified:
		for dir := path.Join(cgroupRoot, f.Own.unified); ; dir = path.Dir(dir) {
			cf := readCgroupFacts(dir)
			f.Ancestors = append(f.Ancestors, cf)
			if !cf.Delegated || dir == cgroupRoot {
				break
			}
		}
	}
	return f, nil
}

// readCgroupFacts inspects one v2 directory. Anything unreadable makes it
// not delegated rather than an error: the walk then stops there.
func readCgroupFacts(dir string) cgroupFacts {
	cf := cgroupFacts{Dir: dir}
	uid := uint32(os.Geteuid())
	cf.Delegated = true
	for _, name := range []string{"cgroup.procs", "cgroup.subtree_control"} {
		p := path.Join(dir, name)
		var st unix.Stat_t
		if unix.Stat(p, &st) != nil || st.Uid != uid || unix.Access(p, unix.W_OK) != nil {
			cf.Delegated = false
		}
	}
	if !cf.Delegated {
		return cf
	}
	procs, err := os.ReadFile(path.Join(dir, "cgroup.procs"))
	cf.HasProcs = err != nil || strings.TrimSpace(string(procs)) != ""
	cf.Controllers, _ = readList(path.Join(dir, "cgroup.controllers"))
	cf.SubtreeControl, _ = readList(path.Join(dir, "cgroup.subtree_control"))
	return cf
}

// readList reads a space-separated list file such as cgroup.controllers.
func readList(p string) ([]string, error) {
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("cgroups: read %s: %w", p, err)
	}
	return strings.Fields(string(b)), nil
}
