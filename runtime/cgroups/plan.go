package cgroups

import (
	"fmt"
	"path"
	"slices"
	"strings"
)

// hostFacts is everything the placement decision needs, gathered from the
// kernel beforehand so that plan itself is pure.
type hostFacts struct {
	Mode Mode
	// Own is the caller's /proc/self/cgroup.
	Own ownCgroups
	// V1 maps controllers to their v1 mounts (v1 and hybrid).
	V1 map[string]v1Mount
	// V2Root is the cgroup2 mountpoint, normally /sys/fs/cgroup.
	V2Root string
	// V2Controllers is the root's cgroup.controllers (v2 as root).
	V2Controllers []string
	// Ancestors are the rootless candidates, nearest first: the caller's own
	// cgroup and its ancestors (or only Config.Parent), gathered up to and
	// including the first one that is not delegated.
	Ancestors []cgroupFacts
}

// cgroupFacts describes one existing v2 cgroup directory.
type cgroupFacts struct {
	Dir string
	// Delegated: cgroup.procs and cgroup.subtree_control are owned by the
	// caller's uid and writable.
	Delegated bool
	// HasProcs: cgroup.procs is not empty, so (no-internal-process rule)
	// controllers cannot be newly enabled in its subtree_control.
	HasProcs       bool
	Controllers    []string
	SubtreeControl []string
}

// placement is the decided layout of one container's cgroup.
type placement struct {
	Mode Mode
	// Paths maps controller to the container's directory; v2 uses key "".
	Paths map[string]string
	// Parents are shared parent directories to create when missing, parents
	// first. They may hold other containers.
	Parents []string
	// Leaves are the container's own directories; they must not exist yet.
	Leaves []string
	// Enable lists, top-down, the v2 subtree_control files to extend.
	Enable []enableStep
}

// enableStep enables controllers in dir/cgroup.subtree_control.
type enableStep struct {
	Dir         string
	Controllers []string
}

// controllerOrder is the order controllers are considered and written in.
var controllerOrder = []string{ctrlPids, ctrlMemory, ctrlCPU, ctrlDevices}

// plan decides where the container's cgroup goes. It returns ErrNoCgroup
// when no cgroup is possible and none is needed.
func plan(cfg Config, f hostFacts) (placement, error) {
	if err := cfg.validate(); err != nil {
		return placement{}, err
	}
	switch f.Mode {
	case ModeV1, ModeHybrid:
		if cfg.Rootless {
			if cfg.Resources.any() {
				return placement{}, ErrRootlessV1
			}
			return placement{}, ErrNoCgroup
		}
		return planV1(cfg, f)
	case ModeUnified:
		if cfg.Rootless {
			return planV2Rootless(cfg, f)
		}
		return planV2Root(cfg, f)
	}
	if cfg.Resources.any() {
		return placement{}, fmt.Errorf("%w: limits requested (%s) but no cgroup file system is mounted at /sys/fs/cgroup", ErrControllerUnavailable, strings.Join(limitFiles(f.Mode, cfg.Resources), ", "))
	}
	return placement{}, ErrNoCgroup
}

// planV1 places one directory per used v1 hierarchy.
func planV1(cfg Config, f hostFacts) (placement, error) {
	required, optional := wantedControllers(cfg.Resources)
	p := placement{Mode: f.Mode, Paths: map[string]string{}}
	for _, ctrl := range controllerOrder {
		isRequired := slices.Contains(required, ctrl)
		if !isRequired && !slices.Contains(optional, ctrl) {
			continue
		}
		m, ok := f.V1[ctrl]
		if !ok {
			if isRequired {
				return placement{}, fmt.Errorf("%w: %s (%s requested; no cgroup v1 hierarchy with it is mounted)", ErrControllerUnavailable, ctrl, limitFileFor(f.Mode, ctrl))
			}
			continue
		}
		var parents []string
		if cfg.Parent != "" {
			top, err := m.dirOf("/")
			if err != nil {
				return placement{}, err
			}
			parents = chain(top, cfg.cleanParent())
		} else {
			own, ok := f.Own.v1[ctrl]
			if !ok {
				own = "/"
			}
			ownDir, err := m.dirOf(own)
			if err != nil {
				return placement{}, err
			}
			parents = []string{path.Join(ownDir, parentDir)}
		}
		leaf := path.Join(parents[len(parents)-1], cfg.ID)
		p.Paths[ctrl] = leaf
		for _, d := range parents {
			if !slices.Contains(p.Parents, d) {
				p.Parents = append(p.Parents, d)
			}
		}
		if !slices.Contains(p.Leaves, leaf) {
			p.Leaves = append(p.Leaves, leaf)
		}
	}
	if len(p.Leaves) == 0 {
		return placement{}, fmt.Errorf("%w: neither pids nor memory v1 hierarchy is mounted", ErrNoCgroup)
	}
	return p, nil
}

// planV2Root places the cgroup at <root>/little-container/<ID> (or under
// Parent) and enables controllers from the root down.
func planV2Root(cfg Config, f hostFacts) (placement, error) {
	required, optional := wantedControllers(cfg.Resources)
	var ctrls []string
	for _, ctrl := range controllerOrder {
		available := slices.Contains(f.V2Controllers, ctrl)
		switch {
		case slices.Contains(required, ctrl) && !available:
			return placement{}, fmt.Errorf("%w: %s (%s requested; %s lists only %q)", ErrControllerUnavailable, ctrl, limitFileFor(ModeUnified, ctrl), path.Join(f.V2Root, "cgroup.controllers"), strings.Join(f.V2Controllers, " "))
		case slices.Contains(required, ctrl), available && slices.Contains(optional, ctrl):
			ctrls = append(ctrls, ctrl)
		}
	}
	rel := parentDir
	if cfg.Parent != "" {
		rel = cfg.cleanParent()
	}
	parents := chain(f.V2Root, rel)
	leaf := path.Join(parents[len(parents)-1], cfg.ID)
	p := placement{Mode: ModeUnified, Paths: map[string]string{"": leaf}, Parents: parents, Leaves: []string{leaf}}
	if len(ctrls) > 0 {
		for _, d := range append([]string{f.V2Root}, parents...) {
			p.Enable = append(p.Enable, enableStep{Dir: d, Controllers: ctrls})
		}
	}
	return p, nil
}

// planV2Rootless picks the nearest usable delegated ancestor and places the
// cgroup at <ancestor>/little-container-<ID>. An ancestor holding processes
// (typically the caller's own leaf) is usable only when the needed
// controllers are already enabled in its subtree_control, since the kernel
// refuses to enable controllers there.
func planV2Rootless(cfg Config, f hostFacts) (placement, error) {
	required, optional := wantedControllers(cfg.Resources)
	var reasons []string
	for _, a := range f.Ancestors {
		if !a.Delegated {
			reasons = append(reasons, fmt.Sprintf("%s is not owned by the caller or not writable", a.Dir))
			break
		}
		enabled := a.Controllers
		if a.HasProcs {
			enabled = a.SubtreeControl
		}
		var missing, ctrls []string
		for _, ctrl := range controllerOrder {
			switch {
			case slices.Contains(required, ctrl) && !slices.Contains(enabled, ctrl):
				missing = append(missing, ctrl)
			case slices.Contains(required, ctrl), slices.Contains(optional, ctrl) && slices.Contains(enabled, ctrl):
				ctrls = append(ctrls, ctrl)
			}
		}
		if len(missing) > 0 {
			if a.HasProcs && subset(missing, a.Controllers) {
				reasons = append(reasons, fmt.Sprintf("%s holds processes, so %s cannot be enabled in its cgroup.subtree_control (run the runtime in a delegated cgroup whose parent is delegated too, e.g. systemd-run --user --scope -p Delegate=yes)", a.Dir, strings.Join(missing, " ")))
			} else {
				reasons = append(reasons, fmt.Sprintf("%s/cgroup.controllers lacks %s", a.Dir, strings.Join(missing, " ")))
			}
			continue
		}
		leaf := path.Join(a.Dir, parentDir+"-"+cfg.ID)
		p := placement{Mode: ModeUnified, Paths: map[string]string{"": leaf}, Leaves: []string{leaf}}
		if len(ctrls) > 0 {
			p.Enable = []enableStep{{Dir: a.Dir, Controllers: ctrls}}
		}
		return p, nil
	}
	if !cfg.Resources.any() {
		return placement{}, ErrNoCgroup
	}
	if len(reasons) == 0 {
		reasons = []string{"the caller's own cgroup is unknown"}
	}
	return placement{}, fmt.Errorf("%w for limits %s: %s", ErrNoDelegation, strings.Join(limitFiles(ModeUnified, cfg.Resources), ", "), strings.Join(reasons, "; "))
}

// chain returns the directories from root/first-element down to root/rel.
func chain(root, rel string) []string {
	var out []string
	cur := root
	for _, el := range strings.Split(rel, "/") {
		cur = path.Join(cur, el)
		out = append(out, cur)
	}
	return out
}

// subset reports whether every element of a is in b.
func subset(a, b []string) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}
