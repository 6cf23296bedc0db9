package target

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseKnobs reads a run's knobs written as KNOB=VALUE words (a flag knob
// alone: "seccomp-unconfined"), then "--" and the argv inside, for trying
// a profile by hand: hostname=h pids=32 memory=33554432 cpus=0.2
// share=pid,net chroot rootless userns preserve-fds=1 workdir=/ cap-add=X
// (repeatable) seccomp-unconfined allow-new-privileges unmask
// allow-devices volume=H:C[:ro] read-only follow-rootfs-links
// uid-map=C:H:N gid-map=C:H:N user=U[:G] tty net=slirp
// publish=IP:HOST:CONTAINER rootfs=DIR id=ID.
func ParseKnobs(words []string) (RunOpts, error) {
	var o RunOpts
	for i, w := range words {
		if w == "--" {
			o.Args = words[i+1:]
			break
		}
		k, v, hasV := strings.Cut(w, "=")
		num := func() (int64, error) {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || !hasV {
				return 0, fmt.Errorf("%s wants a number: %q", k, w)
			}
			return n, nil
		}
		var err error
		switch k {
		case "rootfs":
			o.Rootfs = v
		case "id":
			o.ID = v
		case "hostname":
			o.Hostname = v
		case "pids", "pids-max":
			o.PidsMax, err = num()
		case "memory":
			o.Memory, err = num()
		case "cpus":
			o.CPUs, err = strconv.ParseFloat(v, 64)
		case "share":
			o.Share = append(o.Share, strings.Split(v, ",")...)
		case "chroot":
			o.Chroot = true
		case "rootless":
			o.Rootless = true
		case "userns":
			o.UserNS = true
		case "preserve-fds":
			var n int64
			n, err = num()
			o.PreserveFDs = int(n)
		case "workdir":
			o.Workdir = v
		case "cap-add":
			o.CapAdd = append(o.CapAdd, v)
		case "seccomp-unconfined":
			o.SeccompUnconfined = true
		case "allow-new-privileges":
			o.AllowNewPrivileges = true
		case "unmask":
			o.Unmask = true
		case "allow-devices":
			o.AllowDevices = true
		case "lsm-unconfined":
			o.LSMUnconfined = true
		case "read-only":
			o.ReadOnlyRoot = true
		case "follow-rootfs-links":
			o.FollowRootfsLinks = true
		case "user":
			o.User = v
		case "tty":
			o.TTY = true
		case "net":
			o.Net = v
		case "publish":
			o.Publish = append(o.Publish, v)
		case "volume":
			f := strings.Split(v, ":")
			if len(f) < 2 {
				return o, fmt.Errorf("volume wants HOST:CONTAINER[:ro]: %q", w)
			}
			o.Volumes = append(o.Volumes, Volume{Host: f[0], Container: f[1], ReadOnly: len(f) > 2 && f[2] == "ro"})
		case "uid-map", "gid-map":
			var m IDMap
			if _, err := fmt.Sscanf(v, "%d:%d:%d", &m.Container, &m.Host, &m.Size); err != nil {
				return o, fmt.Errorf("%s wants C:H:N: %q", k, w)
			}
			if k == "uid-map" {
				o.UIDMap = append(o.UIDMap, m)
			} else {
				o.GIDMap = append(o.GIDMap, m)
			}
		default:
			return o, fmt.Errorf("unknown knob %q", k)
		}
		if err != nil {
			return o, fmt.Errorf("%s: %w", k, err)
		}
	}
	return o, nil
}
