// Package vm boots a kernel under qemu-system-x86_64 with an initramfs whose
// /init is our static cmd/vminit, so cgroup v2 (and, on demand, a v1 or
// hybrid layout) is verified against a real kernel instead of a fake cgroupfs.
// The kernel is a directory scripts/vm-kernel prepared (LoadKernel): Debian's
// package, or an image given by path such as an Ubuntu host's own, with the
// modules the guest loads before the command.
//
// The host side builds the initramfs (BuildInitramfs), starts qemu (Run) and
// reads back what the guest sent. The guest side (cmd/vminit) imports the
// same package for the wire protocol, so both ends agree on markers, status
// codes and the run description:
//
//   - ttyS0 is the console: kernel messages and the command's output, for humans.
//   - ttyS1 is the result channel, written to a host file: every file the
//     command left under /reports, its captured stdout/stderr, and a final
//     status line, each framed by markers (see protocol.go). Nothing else
//     writes there, so kernel messages cannot interleave with results.
//   - isa-debug-exit ends qemu with a status that encodes pass, fail, timeout or
//     init error, so even a lost result channel still yields a verdict.
package vm
