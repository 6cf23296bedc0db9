package runtime

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

// Where the subordinate id files and helpers are; variables so a test
// can point at its own.
var (
	subUIDFile = "/etc/subuid"
	subGIDFile = "/etc/subgid"
)

// rootlessMaps picks the id maps of a rootless container the caller gave
// none for: its subordinate ranges through newuidmap and newgidmap when it
// has both (helpers true), else its own uid and gid alone, with why.
func rootlessMaps() (uids, gids []IDMap, helpers bool, why string) {
	uid, gid := os.Geteuid(), os.Getegid()
	uids = []IDMap{{Container: 0, Host: int64(uid), Size: 1}}
	gids = []IDMap{{Container: 0, Host: int64(gid), Size: 1}}
	name := hostUserName(uid)
	who := name
	if who == "" {
		who = "uid " + strconv.Itoa(uid)
	}
	su, sg, err := readSubIDs(name, uid)
	if err != nil {
		return uids, gids, false, err.Error()
	}
	fullU, okU := subIDMaps(int64(uid), su)
	fullG, okG := subIDMaps(int64(gid), sg)
	switch {
	case !okU:
		return uids, gids, false, fmt.Sprintf("%s has no range in %s", who, subUIDFile)
	case !okG:
		return uids, gids, false, fmt.Sprintf("%s has no range in %s", who, subGIDFile)
	}
	for _, h := range []string{"newuidmap", "newgidmap"} {
		if _, err := exec.LookPath(h); err != nil {
			return uids, gids, false, h + " is not installed (Debian package uidmap)"
		}
	}
	return fullU, fullG, true, ""
}

func readSubIDs(name string, id int) (su, sg []subRange, err error) {
	u, err := os.ReadFile(subUIDFile)
	if err != nil && !os.IsNotExist(err) {
		return nil, nil, fmt.Errorf("%s: %w", subUIDFile, err)
	}
	g, err := os.ReadFile(subGIDFile)
	if err != nil && !os.IsNotExist(err) {
		return nil, nil, fmt.Errorf("%s: %w", subGIDFile, err)
	}
	return parseSubIDs(string(u), name, id), parseSubIDs(string(g), name, id), nil
}

// writeMapsWithHelpers has newuidmap and newgidmap write the maps of the
// init pid, which waits for its config meanwhile. They check the ranges
// against /etc/subuid and /etc/subgid themselves.
func writeMapsWithHelpers(pid int, uids, gids []IDMap) error {
	for _, h := range []struct {
		tool string
		maps []IDMap
	}{{"newuidmap", uids}, {"newgidmap", gids}} {
		args := []string{strconv.Itoa(pid)}
		for _, m := range h.maps {
			args = append(args, strconv.FormatInt(m.Container, 10), strconv.FormatInt(m.Host, 10), strconv.FormatInt(m.Size, 10))
		}
		var out bytes.Buffer
		cmd := exec.Command(h.tool, args...)
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("%s %s: %v: %s", h.tool, strings.Join(args, " "), err, strings.TrimSpace(out.String()))
		}
	}
	return nil
}

// boundingCaps lists the capabilities in this process's bounding set
// (CapBnd): only those can be raised as ambient ones.
func boundingCaps() []uintptr {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return nil
	}
	var caps []uintptr
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "CapBnd:"); ok {
			mask, err := strconv.ParseUint(strings.TrimSpace(v), 16, 64)
			if err != nil {
				return nil
			}
			for c := uintptr(0); c < 64; c++ {
				if mask&(1<<c) != 0 {
					caps = append(caps, c)
				}
			}
		}
	}
	return caps
}

// hostUserName is the caller's name in the host's /etc/passwd, "" when it
// has none. (Not os/user: with cgo it would link the runtime against libc,
// and the binary must stay static.)
func hostUserName(uid int) string {
	b, err := os.ReadFile("/etc/passwd")
	if err != nil {
		return ""
	}
	for _, e := range parsePasswd(string(b)) {
		if e.UID == uid {
			return e.Name
		}
	}
	return ""
}
