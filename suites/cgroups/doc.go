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
// read during the probe's -hold (see InspectHold) and, for the inline hog
// that dies with its container, sampled while it lives and taken from the
// kernel log. The pure parts (directory resolution, kernel-log parsing,
// judging) are table-tested; the specs are in the _test files.
package cgroups
