package runtime

import (
	"encoding/json"
	"fmt"

	"golang.org/x/sys/unix"

	"github.com/little-container/little-container/runtime/capability"
)

// The parent and the init exchange one JSON message per datagram over a
// SOCK_SEQPACKET pair, so a message is never split or merged and the end of
// the init (or its successful exec, the socket being close-on-exec) reads as
// a zero-length message.
type msgKind string

const (
	msgConfig msgKind = "config" // parent → init: the container's config
	msgPlaced msgKind = "placed" // parent → init: you are in your cgroup
	msgReady  msgKind = "ready"  // init → parent: set up, about to exec
	msgGo     msgKind = "go"     // parent → init: limits in place, exec
	msgError  msgKind = "error"  // init → parent: a StartError
)

type message struct {
	Kind   msgKind     `json:"kind"`
	Config *initConfig `json:"config,omitempty"`
	Err    *StartError `json:"err,omitempty"`
}

// initConfig is what the init needs from the Spec: only plain data.
type initConfig struct {
	Rootfs   string      `json:"rootfs"`
	Args     []string    `json:"args"`
	Env      []string    `json:"env"`
	Cwd      string      `json:"cwd"`
	Hostname string      `json:"hostname"`
	UID      int         `json:"uid"`
	GID      int         `json:"gid"`
	Share    []Namespace `json:"share"`
	Chroot   bool        `json:"chroot"`
	UserNS   bool        `json:"userns"`

	Caps         capability.Set `json:"caps"`
	Seccomp      SeccompProfile `json:"seccomp"`
	NewPrivs     bool           `json:"new_privs"`
	Unmasked     bool           `json:"unmasked"`
	AllowDevices bool           `json:"allow_devices"`

	Volumes      []Volume `json:"volumes"`
	Tmpfs        []string `json:"tmpfs"`
	ReadOnlyRoot bool     `json:"read_only_root"`
	FollowLinks  bool     `json:"follow_links"`
	// MknodDevices: real root without a user namespace makes the /dev
	// nodes itself (dev_linux.go).
	MknodDevices bool `json:"mknod_devices"`
}

func (c *initConfig) shares(n Namespace) bool {
	for _, x := range c.Share {
		if x == n {
			return true
		}
	}
	return false
}

const maxMessage = 1 << 20

func send(fd int, m message) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	if len(b) > maxMessage {
		return fmt.Errorf("message %s too large (%d bytes)", m.Kind, len(b))
	}
	_, err = unix.Write(fd, b)
	return err
}

// errClosed is returned by recv when the other side closed the socket.
var errClosed = fmt.Errorf("peer closed the sync socket")

func recv(fd int) (message, error) {
	buf := make([]byte, maxMessage)
	for {
		n, err := unix.Read(fd, buf)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return message{}, err
		}
		if n == 0 {
			return message{}, errClosed
		}
		var m message
		if err := json.Unmarshal(buf[:n], &m); err != nil {
			return message{}, fmt.Errorf("bad sync message: %w", err)
		}
		return m, nil
	}
}

func expect(fd int, want msgKind) (message, error) {
	m, err := recv(fd)
	if err != nil {
		return m, err
	}
	if m.Kind == msgError && m.Err != nil {
		return m, m.Err
	}
	if m.Kind != want {
		return m, fmt.Errorf("sync: got %q, want %q", m.Kind, want)
	}
	return m, nil
}
