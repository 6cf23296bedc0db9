package matrix

import (
	"fmt"
	"strings"
)

// Meta is the machine a matrix was measured on, so a report (and the
// README table made from it) says where its verdicts hold.
type Meta struct {
	Date    string `json:"date"` // RFC 3339, when the matrix was merged
	OS      string `json:"os,omitempty"`
	Kernel  string `json:"kernel,omitempty"`
	Cgroup  string `json:"cgroup,omitempty"` // v1, hybrid or v2
	CPUs    int    `json:"cpus,omitempty"`
	EUID    int    `json:"euid"`
	Host    string `json:"host,omitempty"`
	Command string `json:"command,omitempty"` // how the run was asked for
}

// String is the one line the README and the HTML report print.
func (m *Meta) String() string {
	if m == nil {
		return ""
	}
	var parts []string
	add := func(s string) {
		if s != "" {
			parts = append(parts, s)
		}
	}
	add(m.OS)
	if m.Kernel != "" {
		add("kernel " + m.Kernel)
	}
	if m.Cgroup != "" {
		add("cgroup " + m.Cgroup)
	}
	if m.CPUs > 0 {
		add(fmt.Sprintf("%d cores", m.CPUs))
	}
	if m.EUID == 0 {
		add("as root")
	} else {
		add(fmt.Sprintf("as uid %d", m.EUID))
	}
	date := m.Date
	if len(date) >= 10 {
		date = date[:10]
	}
	return fmt.Sprintf("measured %s on %s", date, strings.Join(parts, ", "))
}

// PrettyName reads PRETTY_NAME from /etc/os-release text.
func PrettyName(osRelease string) string {
	for _, l := range strings.Split(osRelease, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(l), "PRETTY_NAME="); ok {
			return strings.Trim(v, `"'`)
		}
	}
	return ""
}
