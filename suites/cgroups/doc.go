// Package cgroups is the "cgroup" suite: it proves resource limits by
// behaviour. A bounded fork bomb runs under --pids-max and a bounded memory
// hog under --memory; each check passes only when the probe was stopped the
// way a kernel limit stops it (EAGAIN from fork, SIGKILL from the OOM
// killer) AND the host read the limit and the kernel's own counters
// (pids.max/pids.current/pids.events, memory.limit_in_bytes or memory.max,
// memory.oom_control or memory.events, the kernel log's memcg OOM record)
// from the container's cgroup while it lived. Each check has a negative
// control without the limit, which must FAIL.
//
// The runtime removes a container's cgroup when it exits, so evidence is
// read during the probe's -hold (see InspectHold) and, for a hog that may
// take its container down (the inline hog; the probe the OOM killer kills
// milliseconds after its hog child), the host first finds the probe by
// its nonce and reads its cgroup while it awaits a go-ahead (memhog
// -await), then samples that cgroup's counters and the processes the
// kernel lists in it, and matches the kernel log's never rate-limited
// kill lines against those pids. The rate-limited "oom-kill:" summary is
// supporting evidence only. The pure parts (directory resolution,
// kernel-log parsing, judging) are table-tested; the specs are in the
// _test files.
package cgroups
