// Package profiles holds the runtime profiles shipped with the project, one
// TOML file per runtime the isolation matrix grades. The files are the
// documentation of how each runtime is driven; package suites/target reads
// them (docs/lab.md describes the format).
package profiles

import "embed"

// FS holds every *.toml profile.
//
//go:embed *.toml
var FS embed.FS

// Columns are the shipped profiles in matrix order: ours first, then the
// OCI runtimes, bubblewrap, the seed, and the peers.
var Columns = []string{"little-container", "runc", "crun", "bwrap", "seed", "gvisor", "nspawn", "lxc", "firejail", "podman"}
