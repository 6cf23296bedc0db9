package target

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/little-container/little-container/oci"
	"github.com/little-container/little-container/runtime/capability"
	"github.com/little-container/little-container/runtime/cgroups"
)

// BundleKnobs are the knobs the bundle writer (package oci) expresses in
// config.json, for every bundle profile alike: the profile adds only the
// runtime's own flags, and declares in [cannot] what its runtime ignores.
var BundleKnobs = func() []Knob {
	ks := []Knob{KnobHostname, KnobPidsMax, KnobMemory, KnobCPUs, KnobUserNS, KnobRootless, KnobCapAdd,
		KnobSeccompOff, KnobNewPrivs, KnobUnmask, KnobAllowDevices, KnobWorkdir, KnobVolume, KnobReadOnly,
		KnobIDMap, KnobUser}
	for _, ns := range []string{"pid", "net", "ipc", "uts", "cgroup", "mnt", "user"} {
		ks = append(ks, ShareKnob(ns))
	}
	return ks
}()

// CPUPeriod is the CFS period, in µs, a RunOpts.CPUs quota is expressed
// against: the kernel's default, and what little-container's --cpus uses.
const CPUPeriod = cgroups.DefaultCPUPeriod

// BundleOptions maps run knobs to bundle options. cgroupsPath is "/<id>"
// (so the host finds and the runtime deletes it) except rootless, where a
// cgroup v1 host gives an unprivileged runtime no cgroup at all. bounding
// is the host's capability bounding set: "ALL" means all the host has,
// since no runtime can grant more.
func BundleOptions(o RunOpts, rootless Rootless, bounding capability.Set) (oci.Options, error) {
	opts := oci.Options{
		Rootfs: o.Rootfs, Args: o.Args, Hostname: o.Hostname, Share: o.Share,
		PidsMax: o.PidsMax, Memory: o.Memory, CPUQuota: cgroups.CPUQuota(o.CPUs), UserNS: o.UserNS && !o.Rootless, Rootless: o.Rootless,
		AllowNewPrivileges: o.AllowNewPrivileges, Unmasked: o.Unmask, SeccompUnconfined: o.SeccompUnconfined,
		AllowDevices: o.AllowDevices, Cwd: o.Workdir, ReadOnlyRoot: o.ReadOnlyRoot,
	}
	if o.Rootless {
		uid, gid := rootless.ids()
		opts.RootlessUID, opts.RootlessGID = &uid, &gid
	}
	opts.CgroupsPath = bundleCgroupsPath(o)
	if opts.CPUQuota > 0 {
		opts.CPUPeriod = CPUPeriod
	}
	for _, v := range o.Volumes {
		opts.Volumes = append(opts.Volumes, oci.Volume{Host: v.Host, Container: v.Container, ReadOnly: v.ReadOnly})
	}
	for _, m := range o.UIDMap {
		opts.UIDMap = append(opts.UIDMap, specs.LinuxIDMapping{ContainerID: m.Container, HostID: m.Host, Size: m.Size})
	}
	for _, m := range o.GIDMap {
		opts.GIDMap = append(opts.GIDMap, specs.LinuxIDMapping{ContainerID: m.Container, HostID: m.Host, Size: m.Size})
	}
	if o.User != "" {
		u, err := parseUser(o.User)
		if err != nil {
			return opts, err
		}
		opts.User = u
	}
	if len(o.CapAdd) > 0 {
		set, err := capability.Adjust(capability.NewSet(capability.Default...), o.CapAdd, nil)
		if err != nil {
			return opts, fmt.Errorf("cap-add: %w", err)
		}
		set &= bounding
		opts.Capabilities = &set
	}
	return opts, nil
}

// parseUser reads "UID[:GID]".
func parseUser(s string) (*specs.User, error) {
	us, gs, _ := strings.Cut(s, ":")
	uid, err := strconv.ParseUint(us, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("user %q: want UID[:GID]", s)
	}
	gid := uid
	if gs != "" {
		if gid, err = strconv.ParseUint(gs, 10, 32); err != nil {
			return nil, fmt.Errorf("user %q: want UID[:GID]", s)
		}
	}
	return &specs.User{UID: uint32(uid), GID: uint32(gid)}, nil
}

// HostBounding is this process's capability bounding set (all when it
// cannot be read).
func HostBounding() capability.Set {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return capability.All()
	}
	if set, ok := ParseCapBnd(string(b)); ok {
		return set
	}
	return capability.All()
}

// ParseCapBnd reads the CapBnd line of /proc/<pid>/status text.
func ParseCapBnd(status string) (capability.Set, bool) {
	for _, line := range strings.Split(status, "\n") {
		if v, ok := strings.CutPrefix(line, "CapBnd:"); ok {
			set, err := capability.ParseMask(v)
			return set, err == nil
		}
	}
	return 0, false
}

// bundleCgroupsPath is the cgroupsPath of o's bundle, "" for none.
func bundleCgroupsPath(o RunOpts) string {
	if o.Rootless {
		return ""
	}
	return "/" + o.ID
}

// BundleConfig is config.json for o: the bundle writer's spec, then the
// profile's edits whose conditions hold.
func (p *Profile) BundleConfig(o RunOpts, vals values, bounding capability.Set) ([]byte, error) {
	if p.OCI.LastCap != "" {
		if last, err := capability.Parse(p.OCI.LastCap); err == nil {
			bounding &= capability.Set(1)<<(uint(last)+1) - 1
		}
	}
	opts, err := BundleOptions(o, p.Rootless, bounding)
	if err != nil {
		return nil, err
	}
	spec, err := oci.Spec(opts)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(spec)
	if err != nil {
		return nil, fmt.Errorf("encode config.json: %w", err)
	}
	var doc any
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("decode config.json: %w", err)
	}
	for i, e := range p.OCI.Edits {
		if e.When != "" {
			ph, err := parsePlaceholder("{" + e.When + ":x}")
			if err != nil {
				return nil, fmt.Errorf("oci edit %d: %w", i, err)
			}
			if !ph.holds(vals) {
				continue
			}
		}
		v, err := expandValue(e.Value, vals)
		if err != nil {
			return nil, fmt.Errorf("oci edit %d: %w", i, err)
		}
		if doc, err = editJSON(doc, e.Op, e.Path, v); err != nil {
			return nil, fmt.Errorf("oci edit %d (%s %s): %w", i, e.Op, e.Path, err)
		}
	}
	out, err := json.MarshalIndent(doc, "", "\t")
	if err != nil {
		return nil, fmt.Errorf("encode config.json: %w", err)
	}
	return out, nil
}

// expandValue expands the strings of a TOML value as templates.
func expandValue(v any, vals values) (any, error) {
	switch t := v.(type) {
	case string:
		segs, err := parseSegments(t)
		if err != nil {
			return nil, err
		}
		s, _, err := expandText(segs, vals)
		return s, err
	case []any:
		out := make([]any, len(t))
		for i := range t {
			x, err := expandValue(t[i], vals)
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, nil
	case map[string]any:
		out := map[string]any{}
		for k, x := range t {
			y, err := expandValue(x, vals)
			if err != nil {
				return nil, err
			}
			out[k] = y
		}
		return out, nil
	}
	return v, nil
}

// editJSON applies one edit at a JSON pointer (RFC 6901, "/a/0/b") of a
// decoded document: set the value, append to the array there (made when
// absent), or remove the key or element.
func editJSON(doc any, op, ptr string, v any) (any, error) {
	keys := strings.Split(strings.TrimPrefix(ptr, "/"), "/")
	for i := range keys {
		keys[i] = strings.NewReplacer("~1", "/", "~0", "~").Replace(keys[i])
	}
	return editAt(doc, keys, op, v)
}

func editAt(node any, keys []string, op string, v any) (any, error) {
	k := keys[0]
	last := len(keys) == 1
	switch n := node.(type) {
	case map[string]any:
		if last {
			switch op {
			case "set":
				n[k] = v
			case "remove":
				delete(n, k)
			case "append":
				arr, _ := n[k].([]any)
				n[k] = append(arr, v)
			}
			return n, nil
		}
		child, ok := n[k]
		if !ok {
			if op == "remove" {
				return n, nil
			}
			child = map[string]any{}
		}
		c, err := editAt(child, keys[1:], op, v)
		if err != nil {
			return nil, err
		}
		n[k] = c
		return n, nil
	case []any:
		i, err := strconv.Atoi(k)
		if err != nil || i < 0 || i >= len(n) {
			return nil, fmt.Errorf("no element %q in an array of %d", k, len(n))
		}
		if last {
			switch op {
			case "set":
				n[i] = v
			case "remove":
				return append(n[:i], n[i+1:]...), nil
			case "append":
				arr, _ := n[i].([]any)
				n[i] = append(arr, v)
			}
			return n, nil
		}
		c, err := editAt(n[i], keys[1:], op, v)
		if err != nil {
			return nil, err
		}
		n[i] = c
		return n, nil
	case nil:
		if op == "remove" {
			return nil, nil
		}
		return editAt(map[string]any{}, keys, op, v)
	}
	return nil, fmt.Errorf("%q is not an object or array", k)
}

// writeBundle writes dir/config.json, readable by a rootless runtime.
func writeBundle(dir string, config []byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("bundle %s: %w", dir, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config.json"), config, 0o644); err != nil {
		return fmt.Errorf("bundle %s: %w", dir, err)
	}
	return nil
}

func (r Rootless) ids() (uint32, uint32) {
	if r.UID == 0 {
		return 65534, 65534
	}
	return r.UID, r.GID
}
