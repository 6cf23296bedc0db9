// Package hostview is how the host looks at a running container for
// itself, instead of taking the probe's word: it waits until the probe
// holds, reads the container's mount table through /proc/<pid>, accounts
// for every mount by the identity of what it shows (device numbers and
// inodes, never names), and finds a container's processes by the nonce in
// their command line. The decisions are pure functions over what was read
// (account.go); the readers are thin (*_linux.go).
package hostview
