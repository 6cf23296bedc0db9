//go:build linux && !amd64

package probes

// harmlessCalls: the syscalls probe knows harmless forms on x86-64 only;
// elsewhere every name is unsupported, and the suite skips.
var harmlessCalls []secBadCall
