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
//	v2: record, create cgroup,     (v2: born in the cgroup via CLONE_INTO_CGROUP;
//	write memory                    the time namespace comes with the clone too)
//	start init (subordinate ids:
//	newuidmap/newgidmap now)
//	v1: record, create cgroup  ||  exec, Go runtime start
//	send config              --->  read config
//	v1: move init into cgroup  ||  hostname, lo up, private propagation,
//	slirp4netns: tap0 up       ||  mounts onto descriptors resolved inside
//	                               the rootfs, pivot_root, user from the
//	                               rootfs's passwd, --tty: open a pty
//	send "placed"            --->  unshare cgroup ns (root = its cgroup now),
//	                               masks, seccomp, capabilities, user,
//	                               resolve command
//	                         <---  "ready" [+ pty master] (or an error:
//	                               125/126/127)
//	write pids.max, pid file
//	send "go"                --->  execve(command): it becomes PID 1
//	                               (--init: fork+exec it, stay as reaper)
//	EOF on socket = exec ok  <---  (socket is close-on-exec)
//	wait, queue signals until PID 1
//	handles them, copy the pty,
//	kill what is left in the
//	cgroup, remove it, drop the
//	state (a killed runtime's
//	leftovers: see GC)
//
// "||" marks work the two sides do at the same time: on cgroup v1 the
// move into the cgroup is a slow write (the kernel waits for an RCU grace
// period), so the init sets its root up meanwhile and waits for "placed"
// only before it needs it.
//
// pids.max is written last because it counts threads: the Go init has
// several, and a limit of 1 written earlier would stop the Go runtime from
// starting a thread it needs. The init waits for "go" with a raw read, which
// never hands its thread to the scheduler, and execve then leaves one thread.
package runtime
