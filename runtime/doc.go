// Package runtime runs one command in a container: new namespaces, a root
// changed with pivot_root (old root detached), a minimal /proc, /sys and /dev,
// and one cgroup with the requested limits.
//
// # Why Go re-executes itself
//
// A container's first process must be set up from inside its namespaces
// (mount its /proc, pivot_root, set its hostname) before the user's command
// starts. A C runtime forks and does that work in the child. A Go program
// cannot: fork copies only the calling thread, while the Go scheduler,
// garbage collector and other goroutines live on threads that the child no
// longer has, so the child may only make raw system calls until it execs.
//
// So Run starts a fresh copy of the current binary (/proc/self/exe) with
// clone flags for the new namespaces, and the copy notices the
// environment variable named by initEnv before main does any work (see
// Init). That copy, the "init", is a complete Go program inside the new
// namespaces. It talks to the parent over a socket pair:
//
//	parent                         init (in new namespaces)
//	------                         ----
//	claim state dir (flock)
//	record, then create cgroup,    (v2: born in the cgroup via CLONE_INTO_CGROUP;
//	write memory                    the time namespace comes with the clone too)
//	start init, send config  --->  read config
//	v1: move init into cgroup
//	send "placed"            --->  unshare cgroup ns (root = its cgroup now),
//	                               private propagation, mounts onto
//	                               descriptors resolved inside the rootfs,
//	                               pivot_root, masks, hostname, lo up, user,
//	                               resolve command
//	                         <---  "ready" (or an error: 125/126/127)
//	write pids.max, pid file
//	send "go"                --->  execve(command): it becomes PID 1
//	EOF on socket = exec ok  <---  (socket is close-on-exec)
//	wait, queue signals until PID 1
//	handles them, kill what is left
//	in the cgroup, remove it, drop
//	the state (a killed runtime's
//	leftovers: see GC)
//
// pids.max is written last because it counts threads: the Go init has
// several, and a limit of 1 written earlier would stop the Go runtime from
// starting a thread it needs. The init waits for "go" with a raw read, which
// never hands its thread to the scheduler, and execve then leaves one thread.
package runtime
