// Command probe is the static multi-call binary that runs inside a container.
// Each subcommand tries one family of things and prints one JSON report; see
// package probes. Build it with CGO_ENABLED=0 so it needs nothing from the rootfs.
package main

import (
	"os"

	"github.com/little-container/little-container/probes"
)

func main() {
	os.Exit(probes.Main(os.Args, os.Stdin, os.Stdout, os.Stderr))
}
