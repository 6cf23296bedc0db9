// Package surface is the "surface" suite: the ways into a container that a
// runtime made for people adds — volumes, a terminal, a network to the
// outside — each a new path between host and container that must not
// widen into a way out. It runs the surface probe and decides by
// behaviour, host-side evidence included:
//
//   - volume links: a rootfs whose volume target lies behind a link to a
//     host directory must not make the runtime create or mount anything
//     there, and a link inside the volume leads nowhere on the host
//     (control: --unsafe-follow-rootfs-links);
//   - ro holds: a read-only volume cannot be written or remounted writable,
//     and its host directory stays as it was (control: the volume rw);
//   - own pty: --tty gives a node of the container's own devpts, never the
//     host's (control: no --tty, the host terminal passed through);
//   - slirp: with user-mode networking the host's loopback listeners stay
//     out of reach (control: --share net), and no host socket listens for
//     the container unasked (control: --publish, whose listener the check
//     must see): two rows from one probe run, so each control is seen.
//
// The pure judging lives here; the specs are in the _test files.
package surface
