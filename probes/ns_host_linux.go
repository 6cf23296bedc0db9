package probes

import (
	"fmt"
	"strconv"

	"golang.org/x/sys/unix"
)

// nsRecordHostname records "hostname" from uname(2).
func nsRecordHostname(r *Report, fp *Fingerprints) {
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		RecordValue(r, "hostname", fmt.Errorf("uname: %w", err), "", "")
		return
	}
	name := unix.ByteSliceToString(u.Nodename[:])
	RecordValue(r, "hostname", nil, name, HostnameDetail(name, fp.WantHostname, fp.Hostname))
}

// HostnameDetail is "want:<match|differs|unset> host:<same|differs|unset>".
func HostnameDetail(got, want, host string) string {
	w, h := "unset", "unset"
	if want != "" {
		w = "differs"
		if got == want {
			w = "match"
		}
	}
	if host != "" {
		h = "differs"
		if got == host {
			h = "same"
		}
	}
	return "want:" + w + " host:" + h
}

// nsRecordIPC records ipc-shm and ipc-msg: lookups of the host's SysV
// objects by key, never creating anything.
func nsRecordIPC(r *Report, fp *Fingerprints) {
	if fp.ShmKey == 0 {
		r.Unsupported("ipc-shm", "no shm key given")
	} else {
		id, err := unix.SysvShmGet(fp.ShmKey, 0, 0)
		val := ""
		if err == nil {
			val = strconv.Itoa(id)
		}
		RecordValue(r, "ipc-shm", err, val, fmt.Sprintf("shmget key %#x", fp.ShmKey))
	}
	if fp.MsgKey == 0 {
		r.Unsupported("ipc-msg", "no msg key given")
	} else {
		id, err := Msgget(fp.MsgKey, 0)
		val := ""
		if err == nil {
			val = strconv.Itoa(id)
		}
		RecordValue(r, "ipc-msg", err, val, fmt.Sprintf("msgget key %#x", fp.MsgKey))
	}
}
