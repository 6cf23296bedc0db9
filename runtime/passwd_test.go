package runtime

import (
	"reflect"
	"strings"
	"testing"
)

const testPasswd = `root:x:0:0:root:/root:/bin/bash
# a comment:x:1:1::/c:/bin/sh
_apt:x:42:65534::/nonexistent:/usr/sbin/nologin
alice:x:1000:1000:Alice:/home/alice:/bin/bash
broken:x:notanumber:1::/b:/bin/sh
huge:x:4294967296:1::/h:/bin/sh
rel:x:1001:1001::relative/home:/bin/sh
short:x:7
`

const testGroup = `root:x:0:
staff:x:50:alice,bob
audio:x:29: alice
alice:x:1000:
odd:x:-1:alice
`

func TestResolveIdentity(t *testing.T) {
	for _, tc := range []struct {
		user, group string
		uid, gid    int
		want        identity
		err         string
	}{
		{uid: 0, gid: 0, want: identity{UID: 0, GID: 0, Home: "/root"}},
		{uid: 1000, gid: 1000, want: identity{UID: 1000, GID: 1000, Home: "/home/alice", Groups: []int{50, 29}}},
		{uid: 1234, gid: 1234, want: identity{UID: 1234, GID: 1234}},
		{user: "alice", want: identity{UID: 1000, GID: 1000, Home: "/home/alice", Groups: []int{50, 29}}},
		{user: "alice", group: "staff", want: identity{UID: 1000, GID: 50, Home: "/home/alice", Groups: []int{29}}},
		{user: "alice", gid: 7, want: identity{UID: 1000, GID: 1000, Home: "/home/alice", Groups: []int{50, 29}}},
		{uid: 1000, group: "audio", want: identity{UID: 1000, GID: 29, Home: "/home/alice", Groups: []int{50}}},
		{user: "_apt", want: identity{UID: 42, GID: 65534, Home: "/nonexistent"}},
		{user: "rel", want: identity{UID: 1001, GID: 1001}},
		{user: "nobody", err: "no such user"},
		{user: "broken", err: "no such user"},
		{user: "huge", err: "no such user"},
		{user: "alice", group: "nogroup", err: "no such group"},
		{user: "alice", group: "odd", err: "no such group"},
	} {
		got, err := resolveIdentity(tc.user, tc.uid, tc.group, tc.gid, testPasswd, testGroup)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q:%q: error %v, want %q", tc.user, tc.group, err, tc.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%q:%q (%d:%d): got %+v, %v; want %+v", tc.user, tc.group, tc.uid, tc.gid, got, err, tc.want)
		}
	}
}

func TestAccountParsersTakeAnyBytes(t *testing.T) {
	for _, s := range []string{"", ":::::::", "\x00\xff:x:1:1::/:", strings.Repeat("a:", 10000)} {
		parsePasswd(s)
		parseGroup(s)
	}
}

func TestValidName(t *testing.T) {
	for _, ok := range []string{"alice", "_apt", "www-data", "a.b", "machine$", "1a"} {
		if !ValidName(ok) {
			t.Errorf("%q refused", ok)
		}
	}
	for _, bad := range []string{"", "-x", "a:b", "a b", "123", strings.Repeat("a", 34), "a/b", "a\n"} {
		if ValidName(bad) {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestWithHome(t *testing.T) {
	if got := withHome([]string{"A=1"}, "/home/a"); !reflect.DeepEqual(got, []string{"A=1", "HOME=/home/a"}) {
		t.Errorf("got %q", got)
	}
	if got := withHome([]string{"HOME=/x"}, "/home/a"); !reflect.DeepEqual(got, []string{"HOME=/x"}) {
		t.Errorf("a set HOME was replaced: %q", got)
	}
	if got := withHome(nil, ""); !reflect.DeepEqual(got, []string{"HOME=/"}) {
		t.Errorf("got %q", got)
	}
}

func TestParsePort(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Port
		err  bool
	}{
		{in: "8080:80", want: Port{HostPort: 8080, ContainerPort: 80, Proto: "tcp"}},
		{in: "127.0.0.1:8080:80/udp", want: Port{HostIP: "127.0.0.1", HostPort: 8080, ContainerPort: 80, Proto: "udp"}},
		{in: "80", err: true}, {in: "0:80", err: true}, {in: "65536:80", err: true}, {in: "+1:80", err: true},
		{in: "::1:80:80", err: true}, {in: "host:80:80", err: true}, {in: "1:2/sctp", err: true}, {in: "a:b", err: true},
	} {
		got, err := ParsePort(tc.in)
		if tc.err != (err != nil) || !tc.err && got != tc.want {
			t.Errorf("%q: got %+v, %v", tc.in, got, err)
		}
	}
}

func TestNetSettingsFitTogether(t *testing.T) {
	ok := Spec{Args: []string{"x"}, Net: NetSlirp, Publish: []Port{{HostPort: 1, ContainerPort: 2, Proto: "tcp"}}}
	if err := ok.Validate(); err != nil {
		t.Error(err)
	}
	for _, s := range []Spec{
		{Args: []string{"x"}, Publish: []Port{{HostPort: 1, ContainerPort: 2, Proto: "tcp"}}},
		{Args: []string{"x"}, HostLoopback: true},
		{Args: []string{"x"}, Net: NetSlirp, Share: []Namespace{NSNet}},
		{Args: []string{"x"}, Net: "bridge"},
		{Args: []string{"x"}, Net: NetSlirp, Publish: []Port{{HostPort: 1, ContainerPort: 2, Proto: "tcp"}, {HostPort: 1, ContainerPort: 3, Proto: "tcp"}}},
		{Args: []string{"x"}, TTY: true, Share: []Namespace{NSMount}, Chroot: true},
	} {
		if err := s.Validate(); err == nil {
			t.Errorf("%+v accepted", s)
		}
	}
}
