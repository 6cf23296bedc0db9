package surface

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/little-container/little-container/runtime/term"
)

// HostPTY is a pty pair of the host's devpts, standing in for a person's
// terminal: the runtime is handed the slave as stdin.
type HostPTY struct {
	Master, Slave *os.File
}

// OpenHostPTY opens a new pair of the host's devpts.
func OpenHostPTY() (*HostPTY, error) {
	m, sl, err := term.OpenPTY("/dev/pts/ptmx") // the host devpts instance's own ptmx
	if err != nil {
		return nil, err
	}
	return &HostPTY{Master: os.NewFile(uintptr(m), "ptmx"), Slave: os.NewFile(uintptr(sl), "pts")}, nil
}

// Close closes both ends.
func (p *HostPTY) Close() error {
	p.Slave.Close()
	return p.Master.Close()
}

// HostPtsDev is the device of the host's devpts (its /dev/pts).
func HostPtsDev() (uint64, error) {
	var st unix.Stat_t
	if err := unix.Stat("/dev/pts", &st); err != nil {
		return 0, fmt.Errorf("stat /dev/pts: %w", err)
	}
	return st.Dev, nil
}

// Entries lists a directory's names, for "nothing appeared here".
func Entries(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names, nil
}

// Descendants lists pid and every process below it, from /proc.
func Descendants(pid int) []int {
	children := map[int][]int{}
	procs, _ := os.ReadDir("/proc")
	for _, p := range procs {
		n, err := strconv.Atoi(p.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", p.Name(), "stat"))
		if err != nil {
			continue
		}
		// The command may hold spaces and parentheses: the fields start
		// after its last ')'.
		s := string(b)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(f) > 1 {
			if pp, err := strconv.Atoi(f[1]); err == nil {
				children[pp] = append(children[pp], n)
			}
		}
	}
	out := []int{pid}
	for i := 0; i < len(out); i++ {
		out = append(out, children[out[i]]...)
	}
	return out
}

// ListeningPorts returns the TCP ports in LISTEN state in this process's
// network namespace (the host's), by socket inode.
func ListeningPorts() (map[uint64]int, error) {
	out := map[uint64]int{}
	for _, f := range []string{"/proc/self/net/tcp", "/proc/self/net/tcp6"} {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		for _, l := range strings.Split(string(b), "\n")[1:] {
			fs := strings.Fields(l)
			if len(fs) < 10 || fs[3] != "0A" { // TCP_LISTEN
				continue
			}
			_, hexPort, _ := strings.Cut(fs[1], ":")
			port, err1 := strconv.ParseInt(hexPort, 16, 32)
			ino, err2 := strconv.ParseUint(fs[9], 10, 64)
			if err1 == nil && err2 == nil && ino != 0 {
				out[ino] = int(port)
			}
		}
	}
	return out, nil
}

// ListenersOf returns the host ports that pid or a process below it
// listens on, matching their socket descriptors to the host's LISTEN table.
func ListenersOf(pid int) ([]int, error) {
	table, err := ListeningPorts()
	if err != nil {
		return nil, err
	}
	var ports []int
	for _, p := range Descendants(pid) {
		dir := fmt.Sprintf("/proc/%d/fd", p)
		fds, _ := os.ReadDir(dir)
		for _, fd := range fds {
			link, err := os.Readlink(filepath.Join(dir, fd.Name()))
			if err != nil || !strings.HasPrefix(link, "socket:[") {
				continue
			}
			ino, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimPrefix(link, "socket:["), "]"), 10, 64)
			if err != nil {
				continue
			}
			if port, ok := table[ino]; ok {
				ports = append(ports, port)
			}
		}
	}
	return ports, nil
}

// ContainerListens reports whether pid's network namespace has a TCP
// listener on port (read from the host through /proc/pid/net).
func ContainerListens(pid, port int) bool {
	for _, f := range []string{"tcp", "tcp6"} {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/net/%s", pid, f))
		if err != nil {
			continue
		}
		for _, l := range strings.Split(string(b), "\n")[1:] {
			fs := strings.Fields(l)
			if len(fs) > 3 && fs[3] == "0A" && strings.HasSuffix(fs[1], fmt.Sprintf(":%04X", port)) {
				return true
			}
		}
	}
	return false
}
