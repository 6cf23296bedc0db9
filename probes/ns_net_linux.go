package probes

import (
	"errors"
	"net"
	"strings"
	"time"
)

// nsConnectTimeout bounds each connect to a host endpoint.
const nsConnectTimeout = time.Second

var errLoDown = errors.New("lo is not up")

// nsRecordNet records net-interfaces, net-lo-up, net-tcp-host and
// net-abstract-host.
func nsRecordNet(r *Report, fp *Fingerprints) {
	ifs, err := net.Interfaces() // RTM_GETLINK over netlink
	if err != nil {
		RecordValue(r, "net-interfaces", err, "", "")
		RecordValue(r, "net-lo-up", err, "", "interfaces unreadable")
	} else {
		var names, flags []string
		loUp, loSeen := false, false
		for _, i := range ifs {
			names = append(names, i.Name)
			flags = append(flags, i.Name+"="+i.Flags.String())
			if i.Name == "lo" {
				loSeen, loUp = true, i.Flags&net.FlagUp != 0
			}
		}
		RecordValue(r, "net-interfaces", nil, strings.Join(names, ","), strings.Join(flags, " "))
		switch {
		case loUp:
			RecordValue(r, "net-lo-up", nil, "lo", "")
		case loSeen:
			RecordValue(r, "net-lo-up", errLoDown, "lo", "")
		default:
			RecordValue(r, "net-lo-up", errors.New("no interface named lo"), "", "")
		}
	}

	if fp.TCPAddr == "" {
		r.Unsupported("net-tcp-host", "no tcp address given")
	} else {
		nsRecordConnect(r, "net-tcp-host", "tcp", fp.TCPAddr)
	}
	if fp.AbstractSocket == "" {
		r.Unsupported("net-abstract-host", "no abstract socket given")
	} else {
		nsRecordConnect(r, "net-abstract-host", "unix", "@"+fp.AbstractSocket)
	}
}

// nsRecordConnect connects (Go maps a leading "@" to the abstract namespace)
// and closes at once; the errno of a refused or unreachable connect is kept.
func nsRecordConnect(r *Report, name, network, addr string) {
	c, err := net.DialTimeout(network, addr, nsConnectTimeout)
	if err != nil {
		RecordValue(r, name, err, addr, "")
		return
	}
	detail := "connected from " + c.LocalAddr().String()
	c.Close()
	RecordValue(r, name, nil, addr, detail)
}
