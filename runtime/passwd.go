package runtime

import (
	"strconv"
	"strings"
)

// The container's users and groups come from its own /etc/passwd and
// /etc/group, which belong to the (possibly hostile) rootfs: the parsers
// below take any bytes and never fail, skipping lines they cannot read.

// maxAccountFile bounds how much of /etc/passwd or /etc/group is read.
const maxAccountFile = 4 << 20

// passwdEntry is one line of /etc/passwd.
type passwdEntry struct {
	Name     string
	UID, GID int
	Home     string
}

// groupEntry is one line of /etc/group.
type groupEntry struct {
	Name    string
	GID     int
	Members []string
}

func isNumber(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// parseID reads an id field of an account file: 0 to MaxID.
func parseAccountID(s string) (int, bool) {
	if !isNumber(s) {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n > MaxID {
		return 0, false
	}
	return int(n), true
}

// records are the colon-separated lines of an account file that have at
// least n fields and a name; comments and short lines are skipped, as
// getpwent(3) does.
func records(text string, n int) [][]string {
	var out [][]string
	for _, l := range strings.Split(text, "\n") {
		f := strings.Split(l, ":")
		if len(f) < n || f[0] == "" || strings.HasPrefix(f[0], "#") {
			continue
		}
		out = append(out, f)
	}
	return out
}

// parsePasswd reads /etc/passwd text.
func parsePasswd(text string) []passwdEntry {
	var out []passwdEntry
	for _, f := range records(text, 7) {
		uid, ok1 := parseAccountID(f[2])
		gid, ok2 := parseAccountID(f[3])
		if !ok1 || !ok2 {
			continue
		}
		out = append(out, passwdEntry{Name: f[0], UID: uid, GID: gid, Home: f[5]})
	}
	return out
}

// parseGroup reads /etc/group text.
func parseGroup(text string) []groupEntry {
	var out []groupEntry
	for _, f := range records(text, 4) {
		gid, ok := parseAccountID(f[2])
		if !ok {
			continue
		}
		var members []string
		for _, m := range strings.Split(f[3], ",") {
			if m = strings.TrimSpace(m); m != "" {
				members = append(members, m)
			}
		}
		out = append(out, groupEntry{Name: f[0], GID: gid, Members: members})
	}
	return out
}

// identity is who the command runs as, resolved against the rootfs.
type identity struct {
	UID, GID int
	Groups   []int  // supplementary groups from /etc/group
	Home     string // "" when the user has no passwd entry
}

// resolveIdentity turns --user into ids against the rootfs's passwd and
// group text, as docker does: a name must be there, a number need not be.
// A named user's primary group is its passwd gid unless a group is given
// (a numeric uid keeps the gid it came with); its supplementary groups are
// the groups that list it by name. A home that is not an absolute path is
// ignored.
func resolveIdentity(user string, uid int, group string, gid int, passwd, groups string) (identity, error) {
	users := parsePasswd(passwd)
	id := identity{UID: uid, GID: gid}
	var pw *passwdEntry
	for i := range users {
		if user != "" && users[i].Name == user || user == "" && users[i].UID == uid {
			pw = &users[i]
			break
		}
	}
	if user != "" && pw == nil {
		return id, &StartError{Step: "user " + user, Msg: "no such user in the rootfs's /etc/passwd", Code: ExitRuntimeError}
	}
	if pw != nil {
		id.UID = pw.UID
		if user != "" && group == "" {
			id.GID = pw.GID
		}
		if strings.HasPrefix(pw.Home, "/") {
			id.Home = pw.Home
		}
	}
	gs := parseGroup(groups)
	if group != "" {
		found := false
		for _, g := range gs {
			if g.Name == group {
				id.GID, found = g.GID, true
				break
			}
		}
		if !found {
			return id, &StartError{Step: "group " + group, Msg: "no such group in the rootfs's /etc/group", Code: ExitRuntimeError}
		}
	}
	if pw != nil {
		for _, g := range gs {
			for _, m := range g.Members {
				if m == pw.Name && g.GID != id.GID {
					id.Groups = append(id.Groups, g.GID)
				}
			}
		}
	}
	return id, nil
}

// withHome adds HOME to env unless it is set: the user's home, or "/".
func withHome(env []string, home string) []string {
	for _, e := range env {
		if strings.HasPrefix(e, "HOME=") {
			return env
		}
	}
	if home == "" {
		home = "/"
	}
	return append(env, "HOME="+home)
}
