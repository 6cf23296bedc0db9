package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/go-multierror"
	"golang.org/x/sys/unix"

	"github.com/little-container/little-container/vm"
)

const cgroupRoot = "/sys/fs/cgroup"

// cgroupMode reads lc.cgroup from the kernel command line; v2 by default.
func cgroupMode() (vm.CgroupMode, error) {
	b, err := os.ReadFile("/proc/cmdline")
	if err != nil {
		return "", fmt.Errorf("read /proc/cmdline: %w", err)
	}
	v, ok := vm.CmdlineParam(string(b), vm.ParamCgroup)
	if !ok {
		return vm.CgroupV2, nil
	}
	return vm.ParseCgroupMode(v)
}

const cgroupFlags = unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC

func mountCgroups(mode vm.CgroupMode) error {
	switch mode {
	case vm.CgroupV2:
		return mountV2(cgroupRoot, true)
	case vm.CgroupV1:
		return mountV1()
	case vm.CgroupHybrid:
		if err := mountV1(); err != nil {
			return err
		}
		return mountV2(filepath.Join(cgroupRoot, "unified"), false)
	}
	return fmt.Errorf("cgroup mode %q", mode)
}

// mountV2 mounts cgroup2 with the options current distributions use and, when
// enable is set, turns on every available controller for the root's children.
func mountV2(target string, enable bool) error {
	if err := mountAt(mountPoint{"cgroup2", target, "cgroup2", cgroupFlags, "nsdelegate,memory_recursiveprot"}); err != nil {
		return err
	}
	if !enable {
		return nil
	}
	b, err := os.ReadFile(filepath.Join(target, "cgroup.controllers"))
	if err != nil {
		return fmt.Errorf("read cgroup.controllers: %w", err)
	}
	ctl := filepath.Join(target, "cgroup.subtree_control")
	var errs error
	for _, c := range strings.Fields(string(b)) {
		if err := os.WriteFile(ctl, []byte("+"+c), 0); err != nil {
			errs = multierror.Append(errs, fmt.Errorf("enable %s in %s: %w", c, ctl, err))
		}
	}
	return errs
}

// v1Groups binds controllers that systemd co-mounts into one hierarchy.
var v1Groups = [][]string{{"cpu", "cpuacct"}, {"net_cls", "net_prio"}}

// mountV1 mounts a tmpfs on /sys/fs/cgroup and one v1 hierarchy per enabled
// controller in /proc/cgroups, co-mounted groups with symlinks per member,
// the layout systemd produces and runc and the suites expect.
func mountV1() error {
	if err := mountAt(mountPoint{"tmpfs", cgroupRoot, "tmpfs", cgroupFlags, "mode=0755"}); err != nil {
		return err
	}
	f, err := os.Open("/proc/cgroups")
	if err != nil {
		return fmt.Errorf("open /proc/cgroups: %w", err)
	}
	defer f.Close()
	enabled := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fl := strings.Fields(sc.Text())
		if len(fl) == 4 && !strings.HasPrefix(fl[0], "#") && fl[3] == "1" {
			enabled[fl[0]] = true
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read /proc/cgroups: %w", err)
	}
	for _, hier := range planV1(enabled) {
		dir := strings.Join(hier, ",")
		target := filepath.Join(cgroupRoot, dir)
		if err := mountAt(mountPoint{"cgroup", target, "cgroup", cgroupFlags, dir}); err != nil {
			// A kernel may build a controller for v2 only (6.12's
			// CONFIG_MEMCG_V1 and CONFIG_CPUSETS_V1 off in Debian's):
			// /proc/cgroups lists it, a v1 mount refuses it. As systemd
			// does, leave it out; the rows that need it say so.
			if errors.Is(err, unix.EINVAL) {
				logf("cgroup v1 %s: this kernel has no v1 support for it (%v); not mounted", dir, err)
				_ = os.Remove(target)
				continue
			}
			return err
		}
		if len(hier) > 1 {
			for _, c := range hier {
				if err := os.Symlink(dir, filepath.Join(cgroupRoot, c)); err != nil {
					return fmt.Errorf("link %s: %w", c, err)
				}
			}
		}
	}
	// systemd's named hierarchy, so tools that look for it find one.
	return mountAt(mountPoint{"cgroup", filepath.Join(cgroupRoot, "systemd"), "cgroup", cgroupFlags, "none,name=systemd"})
}

// planV1 groups enabled controllers into hierarchies, in a stable order.
func planV1(enabled map[string]bool) [][]string {
	taken := map[string]bool{}
	var out [][]string
	for _, g := range v1Groups {
		var hier []string
		for _, c := range g {
			if enabled[c] {
				hier = append(hier, c)
				taken[c] = true
			}
		}
		if len(hier) > 0 {
			out = append(out, hier)
		}
	}
	var rest []string
	for c := range enabled {
		if !taken[c] {
			rest = append(rest, c)
		}
	}
	sort.Strings(rest)
	for _, c := range rest {
		out = append(out, []string{c})
	}
	return out
}
