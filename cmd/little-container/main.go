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

	"github.com/little-container/little-container/runtime"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

const usage = `little-container: a small container runtime

Usage:
  little-container run [flags] COMMAND [ARG...]   run COMMAND in a container
  little-container check                          report what this host offers
  little-container version                        print the version
  little-container help [COMMAND]                 explain a command

Run 'little-container help run' for the isolation it sets up and its flags.
`

func main() {
	// The re-executed copy of this binary is a container's init: it never
	// returns from Init. Everything else starts below.
	runtime.Init()
	os.Exit(cli(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func cli(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "run":
		return runCmd(args[1:], stdin, stdout, stderr)
	case "check":
		return checkCmd(stdout, stderr)
	case "version", "--version":
		fmt.Fprintf(stdout, "little-container %s\n", version)
		return 0
	case "help", "-h", "--help":
		if len(args) > 1 && args[1] == "run" {
			fs, _ := runFlags(stderr)
			fs.SetOutput(stdout)
			fs.Usage()
			return 0
		}
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "little-container: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
}
