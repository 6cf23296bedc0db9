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
	Rootfs   string   `json:"rootfs"`
	Args     []string `json:"args"`
	Env      []string `json:"env"`
	Cwd      string   `json:"cwd"`
	Hostname string   `json:"hostname"`
	UID      int      `json:"uid"`
	GID      int      `json:"gid"`
	// UserName and GroupName are looked up in the rootfs (passwd_linux.go).
	UserName  string      `json:"user_name"`
	GroupName string      `json:"group_name"`
	Share     []Namespace `json:"share"`
	Chroot    bool        `json:"chroot"`
	UserNS    bool        `json:"userns"`

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

	TTY  bool `json:"tty"`  // open a pty in the container's devpts (console_linux.go)
	Init bool `json:"init"` // stay PID 1 as the reaper (reaper_linux.go)
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

func send(fd int, m message) error { return sendFDs(fd, m) }

// sendFDs sends m with descriptors attached (SCM_RIGHTS): the init hands
// the parent the master of the container's pty this way.
func sendFDs(fd int, m message, fds ...int) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	if len(b) > maxMessage {
		return fmt.Errorf("message %s too large (%d bytes)", m.Kind, len(b))
	}
	var oob []byte
	if len(fds) > 0 {
		oob = unix.UnixRights(fds...)
	}
	return unix.Sendmsg(fd, b, oob, nil, 0)
}

// errClosed is returned by recv when the other side closed the socket.
var errClosed = fmt.Errorf("peer closed the sync socket")

func recv(fd int) (message, error) {
	m, fds, err := recvFDs(fd)
	closeFDs(fds) // nobody asked for any
	return m, err
}

// recvFDs reads one message and the descriptors that came with it, all
// close-on-exec. The caller owns (and must close) them, error or not.
func recvFDs(fd int) (message, []int, error) {
	oob := make([]byte, unix.CmsgSpace(4*4))
	reset := false
	// retry says whether a failed call is to be made again: on EINTR, and
	// once on ECONNRESET. The peer closed with a message of ours unread;
	// the kernel reports that once, before what the peer sent before it
	// closed (the init's last error): read on for that.
	retry := func(err error) bool {
		switch {
		case err == unix.EINTR:
			return true
		case err == unix.ECONNRESET && !reset:
			reset = true
			return true
		}
		return false
	}
	for {
		// Peek at the datagram's length first: a buffer of maxMessage
		// for every message would be megabytes per start.
		size, _, _, _, err := unix.Recvmsg(fd, nil, nil, unix.MSG_PEEK|unix.MSG_TRUNC)
		if retry(err) {
			continue
		}
		if err != nil {
			return message{}, nil, err
		}
		buf := make([]byte, min(max(size, 1), maxMessage))
		n, oobn, _, _, err := unix.Recvmsg(fd, buf, oob, unix.MSG_CMSG_CLOEXEC)
		if retry(err) { // the peer may close between the peek and the read
			continue
		}
		if err != nil {
			return message{}, nil, err
		}
		fds, ferr := parseRights(oob[:oobn])
		if ferr != nil {
			return message{}, fds, fmt.Errorf("bad sync message: %w", ferr)
		}
		if n == 0 && reset {
			return message{}, fds, unix.ECONNRESET // nothing was left: as reported
		}
		if n == 0 {
			return message{}, fds, errClosed
		}
		var m message
		if err := json.Unmarshal(buf[:n], &m); err != nil {
			return message{}, fds, fmt.Errorf("bad sync message: %w", err)
		}
		return m, fds, nil
	}
}

// parseRights returns the descriptors of SCM_RIGHTS control messages.
func parseRights(oob []byte) ([]int, error) {
	if len(oob) == 0 {
		return nil, nil
	}
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil {
		return nil, err
	}
	var fds []int
	for i := range msgs {
		r, err := unix.ParseUnixRights(&msgs[i])
		if err != nil {
			return fds, err
		}
		fds = append(fds, r...)
	}
	return fds, nil
}

func closeFDs(fds []int) {
	for _, fd := range fds {
		unix.Close(fd)
	}
}

func expect(fd int, want msgKind) (message, error) {
	m, fds, err := expectFDs(fd, want)
	closeFDs(fds)
	return m, err
}

// expectFDs is expect for a message that may carry descriptors.
func expectFDs(fd int, want msgKind) (message, []int, error) {
	m, fds, err := recvFDs(fd)
	if err != nil {
		return m, fds, err
	}
	if m.Kind == msgError && m.Err != nil {
		return m, fds, m.Err
	}
	if m.Kind != want {
		return m, fds, fmt.Errorf("sync: got %q, want %q", m.Kind, want)
	}
	return m, fds, nil
}
