//go:build linux && !amd64

package runtime

// auditArch is zero where no default filter is built: the deny list uses
// x86_64-only calls.
const auditArch = 0
