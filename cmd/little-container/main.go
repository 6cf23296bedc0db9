// Command little-container runs a command in an isolated container and
// checks the host for what isolation needs.
//
//	little-container run --rootfs ./rootfs --hostname box sh
//
// See `little-container help run` for every flag.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"syscall"

	"github.com/little-container/little-container/cmd/little-container/internal/sigcatch"
	"github.com/little-container/little-container/runtime"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

const usage = `little-container: a small container runtime

Usage:
  little-container run [flags] COMMAND [ARG...]   run COMMAND in a container
  little-container ps [--state-dir DIR]           list containers and their state
  little-container kill [--state-dir DIR] ID [SIGNAL]
                                                  send SIGNAL (default TERM) to a container
  little-container delete [--state-dir DIR] ID    collect a container whose runtime is gone
  little-container gc [--state-dir DIR]           collect every container whose runtime is gone
  little-container check                          report what this host offers
  little-container version                        print the version
  little-container help [COMMAND]                 explain a command

Run 'little-container help run' for the isolation it sets up and its flags.
Errors are one line on stderr, with exit status 125.
`

func main() {
	// The re-executed copy of this binary is a container's init: it never
	// returns from Init. Everything else starts below.
	runtime.Init()
	// The signals a caller or a terminal sends are caught from the start
	// (sigcatch): run passes them on to the container; any other command
	// ends with 128+N. Never the Go runtime's default, whose SIGQUIT
	// prints a goroutine dump.
	sigs := sigcatch.Signals
	if len(os.Args) < 2 || os.Args[1] != "run" {
		go func() {
			s := <-sigs
			os.Exit(128 + int(s.(syscall.Signal)))
		}()
	}
	os.Exit(cli(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, sigs))
}

// commands are the subcommands with their own help text.
var commands = map[string]func(io.Writer){
	"run":    func(w io.Writer) { fs, _ := runFlags(); fs.SetOutput(w); fs.Usage() },
	"ps":     func(w io.Writer) { fmt.Fprint(w, psUsage) },
	"kill":   func(w io.Writer) { fmt.Fprint(w, killUsage) },
	"delete": func(w io.Writer) { fmt.Fprint(w, deleteUsage) },
	"gc":     func(w io.Writer) { fmt.Fprint(w, gcUsage) },
	"check": func(w io.Writer) {
		fmt.Fprint(w, "Usage: little-container check\n\nReports the namespaces, user namespaces and cgroup layout this host offers.\n")
	},
	"version": func(w io.Writer) { fmt.Fprint(w, "Usage: little-container version\n") },
}

func commandNames() string {
	var names []string
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

func cli(args []string, stdin io.Reader, stdout, stderr io.Writer, sigs chan os.Signal) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return runtime.ExitRuntimeError
	}
	switch args[0] {
	case "run":
		return runCmd(args[1:], stdin, stdout, stderr, sigs)
	case "ps":
		return psCmd(args[1:], stdout, stderr)
	case "kill":
		return killCmd(args[1:], stdout, stderr)
	case "delete":
		return deleteCmd(args[1:], stdout, stderr)
	case "gc":
		return gcCmd(args[1:], stdout, stderr)
	case "check":
		return checkCmd(stdout, stderr)
	case "version", "--version":
		fmt.Fprintf(stdout, "little-container %s\n", version)
		return 0
	case "help", "-h", "-help", "--help":
		if len(args) == 1 {
			fmt.Fprint(stdout, usage)
			return 0
		}
		if h, ok := commands[args[1]]; ok && len(args) == 2 {
			h(stdout)
			return 0
		}
		return fail(stderr, fmt.Errorf("no help for %s (commands: %s)", show(strings.Join(args[1:], " ")), commandNames()))
	default:
		return fail(stderr, fmt.Errorf("unknown command %s (see 'little-container help')", show(args[0])))
	}
}
