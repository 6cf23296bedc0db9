package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/little-container/little-container/runtime"
	"github.com/little-container/little-container/runtime/cgroups"
)

// checkCmd reports what the host offers for isolation, so a user can tell a
// missing kernel feature from a runtime bug before running anything.
func checkCmd(stdout, stderr io.Writer) int {
	ok := true
	line := func(name string, good bool, detail string) {
		mark := "ok  "
		if !good {
			mark = "MISS"
			ok = false
		}
		fmt.Fprintf(stdout, "%s %-22s %s\n", mark, name, detail)
	}
	fmt.Fprintf(stdout, "running as uid %d\n", os.Geteuid())
	for _, ns := range runtime.AllNamespaces {
		_, err := os.Stat("/proc/self/ns/" + string(ns))
		line(string(ns)+" namespace", err == nil, errText(err))
	}
	if b, err := os.ReadFile("/proc/sys/user/max_user_namespaces"); err == nil {
		v := strings.TrimSpace(string(b))
		line("user namespaces", v != "0", "max_user_namespaces="+v)
	}
	mode, err := cgroups.Detect()
	line("cgroups", err == nil && mode != cgroups.ModeNone, fmt.Sprintf("mode %s %s", mode, errText(err)))
	if !ok {
		return 1
	}
	return 0
}

func errText(err error) string {
	if err != nil {
		return err.Error()
	}
	return ""
}
