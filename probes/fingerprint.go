package probes

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
)

// NSID names a namespace exactly: the device and inode of its nsfs file.
// Two namespaces are the same only if both numbers match; link text such as
// "pid:[4026531836]" omits the device and is not compared.
type NSID struct {
	Dev uint64 `json:"dev"`
	Ino uint64 `json:"ino"`
}

// Fingerprints is what the host recorded before a run: the things a container
// must not see or reach. The suite hands them to the probe on its command line
// (see Encode), and the probe reports what it could see of them.
type Fingerprints struct {
	Namespaces     map[string]NSID `json:"namespaces,omitempty"` // host's, by name: pid, mnt, net, ...
	Hostname       string          `json:"hostname,omitempty"`   // host's
	WantHostname   string          `json:"want_hostname,omitempty"`
	CanaryPath     string          `json:"canary_path,omitempty"`   // absolute host path outside the rootfs
	CanarySHA256   string          `json:"canary_sha256,omitempty"` // hex digest of its content
	SentinelPID    int             `json:"sentinel_pid,omitempty"`  // a host process, as the host numbers it
	ShmKey         int             `json:"shm_key,omitempty"`       // SysV shared memory key
	MsgKey         int             `json:"msg_key,omitempty"`       // SysV message queue key
	TCPAddr        string          `json:"tcp_addr,omitempty"`      // host loopback listener, "127.0.0.1:port"
	AbstractSocket string          `json:"abstract_socket,omitempty"`
	RootDev        uint64          `json:"root_dev,omitempty"` // host "/" (dev, ino)
	RootIno        uint64          `json:"root_ino,omitempty"`
	RootMount      string          `json:"root_mount,omitempty"` // host "/" mount's "major:minor"
	Nonce          string          `json:"nonce,omitempty"`      // unique per run, for names the probe creates

	SemKey int    `json:"sem_key,omitempty"` // SysV semaphore set key
	MqName string `json:"mq_name,omitempty"` // POSIX message queue, without the leading "/"
	// UnixSocket is a listening pathname unix socket in a host directory
	// made for it; UnixSocketID its "dev:ino", by which the probe
	// recognises it wherever a bind mount may show it.
	UnixSocket   string `json:"unix_socket,omitempty"`
	UnixSocketID string `json:"unix_socket_id,omitempty"`
	// ShmFile is a POSIX shared memory object of the host (a file in the
	// host's /dev/shm); ShmFileID its "dev:ino".
	ShmFile   string `json:"shm_file,omitempty"`
	ShmFileID string `json:"shm_file_id,omitempty"`
}

// Encode packs fingerprints into one argv-safe word (base64url of JSON), so
// that no runtime's command template or shell quoting can mangle them.
func (f *Fingerprints) Encode() string {
	b, _ := json.Marshal(f) // only plain fields: cannot fail
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeFingerprints reverses Encode.
func DecodeFingerprints(s string) (*Fingerprints, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("fingerprints: %w", err)
	}
	var f Fingerprints
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("fingerprints: %w", err)
	}
	return &f, nil
}
