package probes

// Probe "surface": the ways into a container that a person's runtime adds
// (volumes, a terminal, a network to the outside), each tried from inside.
// Flags choose what to try; each names attempts the surface suite judges:
//
//	-pty               pty-stdin-tty    stdin is a terminal (TCGETS)
//	                   pty-own-devpts   stdin's device lies on the devpts mounted at
//	                                    /dev/pts here: Value "stdin-dev devpts-dev"
//	                   pty-entries      what /dev/pts holds: Value, names joined by ","
//	-volume DIR        volume-marker    DIR/marker, written by the host: Value its text
//	                   volume-link-out  DIR/out/<canary name>, out being a link the host
//	                                    put in the volume to the canary's host directory:
//	                                    Succeeded when the canary's content was read
//	-ro DIR            ro-statfs        Value "ro" or "rw" (ST_RDONLY of DIR)
//	                   ro-write         create DIR/surface-<nonce>: Succeeded = written
//	                   ro-remount       remount DIR read-write: Succeeded = remounted
//	                   ro-write-after-remount  only then: the write again
//	-net               net-host-loopback  connect to the host's loopback listener
//	                                      (fingerprint tcp_addr): Succeeded = reached
//	                   net-gateway-loopback  the same port on the slirp gateway 10.0.2.2
//	-listen PORT       net-listen       listen on 0.0.0.0:PORT inside, Value the port;
//	                                    held open until the probe ends
//	-hold              hold             wait for stdin's end (at most 15 s) before the
//	                                    report, so the host can look meanwhile

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

const (
	surfaceDeadline = 25 * time.Second
	surfaceHoldMax  = 15 * time.Second
	// SlirpGateway is where slirp4netns answers for the host.
	SlirpGateway = "10.0.2.2"
)

func init() {
	Register("surface", "volumes, the terminal and the network a container is given", surfaceDeadline, surfaceProbe)
}

func surfaceProbe(env *Env) error {
	fs := NewFlags("surface")
	pty := fs.Bool("pty", false, "look at the terminal on stdin")
	volume := fs.String("volume", "", "a volume directory to look through")
	ro := fs.String("ro", "", "a read-only volume directory to try to write")
	netw := fs.Bool("net", false, "try the host's loopback listener")
	listen := fs.Int("listen", 0, "listen on this port inside")
	hold := fs.Bool("hold", false, "hold until stdin's end")
	if err := fs.Parse(env.Args); err != nil {
		return err
	}
	r := env.Report
	if *pty {
		surfacePTY(r)
	}
	if *volume != "" {
		surfaceVolume(r, env.FP, *volume)
	}
	if *ro != "" {
		surfaceReadOnly(r, env.FP, *ro)
	}
	if *netw {
		surfaceNet(r, env.FP)
	}
	if *listen > 0 {
		ln, err := net.Listen("tcp4", "0.0.0.0:"+strconv.Itoa(*listen))
		RecordValue(r, "net-listen", err, strconv.Itoa(*listen), "")
		if err == nil {
			defer ln.Close()
		}
	}
	if *hold {
		RecordValue(r, "hold", nil, Hold(env.Stdin, surfaceHoldMax), "")
	}
	return nil
}

func surfacePTY(r *Report) {
	_, err := unix.IoctlGetTermios(0, unix.TCGETS)
	r.Record("pty-stdin-tty", err, "")
	var in, pts unix.Stat_t
	if err := unix.Fstat(0, &in); err != nil {
		r.Record("pty-own-devpts", err, "fstat stdin")
	} else {
		// With no /dev/pts inside, its device reads as 0.
		serr := unix.Stat("/dev/pts", &pts)
		diff := serr
		if diff == nil && (in.Dev != pts.Dev || in.Mode&unix.S_IFMT != unix.S_IFCHR) {
			diff = errors.New("stdin is not a node of the devpts at /dev/pts")
		}
		RecordValue(r, "pty-own-devpts", diff, fmt.Sprintf("%d %d", in.Dev, pts.Dev),
			fmt.Sprintf("stdin dev %d rdev %d:%d, /dev/pts dev %d", in.Dev, unix.Major(in.Rdev), unix.Minor(in.Rdev), pts.Dev))
	}
	ents, err := os.ReadDir("/dev/pts")
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	RecordValue(r, "pty-entries", err, strings.Join(names, ","), "")
}

func surfaceVolume(r *Report, fp *Fingerprints, dir string) {
	b, err := os.ReadFile(filepath.Join(dir, "marker"))
	RecordValue(r, "volume-marker", err, strings.TrimSpace(string(b)), "")
	if fp.CanaryPath == "" {
		r.Unsupported("volume-link-out", "no canary given")
		return
	}
	p := filepath.Join(dir, "out", filepath.Base(fp.CanaryPath))
	b, err = os.ReadFile(p)
	if err == nil {
		sum := sha256.Sum256(b)
		if hex.EncodeToString(sum[:]) != fp.CanarySHA256 {
			err = fmt.Errorf("%s read, but it is not the host's canary", p)
		}
	}
	r.Record("volume-link-out", err, p)
}

func surfaceReadOnly(r *Report, fp *Fingerprints, dir string) {
	var sfs unix.Statfs_t
	err := unix.Statfs(dir, &sfs)
	mode := "rw"
	if sfs.Flags&unix.ST_RDONLY != 0 {
		mode = "ro"
	}
	RecordValue(r, "ro-statfs", err, mode, "")
	name := filepath.Join(dir, "surface-"+fp.Nonce)
	f, err := os.OpenFile(name, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err == nil {
		f.Close()
	}
	r.Record("ro-write", unwrapPathErr(err), name)
	err = unix.Mount("", dir, "", unix.MS_REMOUNT|unix.MS_BIND, "")
	r.Record("ro-remount", err, dir)
	if err == nil {
		// Evidence of what the remount bought: the write, again.
		f, err := os.OpenFile(name+"-after-remount", os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
		if err == nil {
			f.Close()
		}
		r.Record("ro-write-after-remount", unwrapPathErr(err), name+"-after-remount")
	}
}

func surfaceNet(r *Report, fp *Fingerprints) {
	if fp.TCPAddr == "" {
		r.Unsupported("net-host-loopback", "no tcp address given")
		r.Unsupported("net-gateway-loopback", "no tcp address given")
		return
	}
	nsRecordConnect(r, "net-host-loopback", "tcp", fp.TCPAddr)
	_, port, _ := strings.Cut(fp.TCPAddr, ":")
	nsRecordConnect(r, "net-gateway-loopback", "tcp", SlirpGateway+":"+port)
}

// unwrapPathErr keeps the errno of an *os.PathError for Record.
func unwrapPathErr(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
