package runtime

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// NetMode is the network a container gets.
type NetMode string

const (
	// NetNone is a network namespace with only loopback, up: nothing in,
	// nothing out (the default).
	NetNone NetMode = "none"
	// NetSlirp adds one interface, tap0 (10.0.2.100/24, gateway 10.0.2.2,
	// DNS 10.0.2.3), behind a user-mode TCP/IP stack on the host
	// (slirp4netns): the container's connections leave as the runtime's
	// own host sockets, and nothing on the host listens for it unless a
	// port is published.
	NetSlirp NetMode = "slirp"
)

// Port is one published port (--publish [IP:]HOST:CONTAINER[/tcp|udp]).
type Port struct {
	HostIP        string // address the host side listens on; 0.0.0.0 when empty
	HostPort      int
	ContainerPort int
	Proto         string // tcp or udp
}

func (p Port) String() string {
	ip := p.HostIP
	if ip == "" {
		ip = "0.0.0.0"
	}
	return fmt.Sprintf("%s:%d:%d/%s", ip, p.HostPort, p.ContainerPort, p.Proto)
}

// ParseNet reads --net: none, slirp, or slirp:host-loopback (the
// container may reach the host's 127.0.0.1 through 10.0.2.2).
func ParseNet(v string) (mode NetMode, hostLoopback bool, err error) {
	switch v {
	case "", "none":
		return NetNone, false, nil
	case "slirp":
		return NetSlirp, false, nil
	case "slirp:host-loopback":
		return NetSlirp, true, nil
	}
	return "", false, fmt.Errorf("network %q: want none, slirp or slirp:host-loopback", v)
}

// ParsePort reads [IP:]HOST:CONTAINER[/tcp|udp].
func ParsePort(v string) (Port, error) {
	p := Port{Proto: "tcp"}
	spec, proto, hasProto := strings.Cut(v, "/")
	if hasProto {
		if proto != "tcp" && proto != "udp" {
			return p, fmt.Errorf("port %q: protocol %q: want tcp or udp", v, proto)
		}
		p.Proto = proto
	}
	parts := strings.Split(spec, ":")
	switch len(parts) {
	case 2:
	case 3:
		ip, err := netip.ParseAddr(parts[0])
		if err != nil || !ip.Is4() {
			return p, fmt.Errorf("port %q: host address %q: want an IPv4 address", v, parts[0])
		}
		p.HostIP = ip.String()
		parts = parts[1:]
	default:
		return p, fmt.Errorf("port %q: want [IP:]HOST:CONTAINER[/tcp|udp]", v)
	}
	for i, dst := range []*int{&p.HostPort, &p.ContainerPort} {
		n, err := strconv.Atoi(parts[i])
		if err != nil || n < 1 || n > 65535 || parts[i][0] == '+' {
			return p, fmt.Errorf("port %q: %q is not a port from 1 to 65535", v, parts[i])
		}
		*dst = n
	}
	return p, nil
}

// checkNet refuses network settings that do not fit together.
func (s *Spec) checkNet() error {
	switch s.Net {
	case "", NetNone:
		if len(s.Publish) > 0 {
			return fmt.Errorf("--publish needs a network to publish from (--net slirp)")
		}
		if s.HostLoopback {
			return fmt.Errorf("host loopback access needs --net slirp")
		}
	case NetSlirp:
		if s.Shares(NSNet) {
			return fmt.Errorf("--net slirp needs the container's own network namespace, but the host's is shared")
		}
	default:
		return fmt.Errorf("network %q: want none or slirp", s.Net)
	}
	seen := map[string]bool{}
	for _, p := range s.Publish {
		k := fmt.Sprintf("%s/%d", p.Proto, p.HostPort)
		if seen[k] {
			return fmt.Errorf("host port %d/%s published twice", p.HostPort, p.Proto)
		}
		seen[k] = true
	}
	return nil
}
