package reference

// The paths a default container must not read or write, from the two
// references every OCI runtime follows:
//
//   - runc's default spec (libcontainer/specconv Example(), what `runc spec`
//     writes; read at opencontainers/runc 0695afba), whose list adds
//     /sys/devices/virtual/tpm;
//   - Docker's default spec (moby oci/defaults.go; read at moby 0a865091),
//     which Docker 28 (API 1.48) extended by /proc/interrupts and
//     /sys/devices/virtual/powercap (CVE-2020-8694, power readings as a
//     side channel).
//
// The union is the expectation: a path either reference masks is masked.

// MaskedPaths must read nothing from inside: a file under /dev/null, a
// directory under an empty read-only tmpfs, or absent.
var MaskedPaths = []string{
	"/proc/acpi", "/proc/asound", "/proc/interrupts", "/proc/kcore", "/proc/keys",
	"/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
	"/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap", "/sys/devices/virtual/tpm",
}

// ReadonlyPaths must not open for writing from inside, nor anything below
// them.
var ReadonlyPaths = []string{"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"}

// InfoPaths expose host state that neither list masks and that only host
// root may read (mode without read for others): slab and vmalloc internals
// and page flags used to aim heap exploits, the kernel log, the machine's
// DMI serials, and the debug, tracing and security filesystems. A
// container whose root is host root reads them unless something — a user
// namespace, a mask, a missing capability — stops it. The suite adds every
// other root-only file at the top of the host's /proc (InfoDiscoverDir).
// /proc/kmsg is only opened, never read: a read takes the messages away
// from the host's logger.
var InfoPaths = []string{
	"/proc/slabinfo", "/proc/vmallocinfo", "/proc/pagetypeinfo", "/proc/kpageflags",
	"/proc/kpagecount", "/proc/kpagecgroup", "/proc/kmsg",
	"/sys/kernel/debug", "/sys/kernel/tracing", "/sys/kernel/security",
	"/sys/class/dmi/id/product_serial", "/sys/class/dmi/id/product_uuid", "/sys/class/dmi/id/board_serial",
}

// InfoDiscoverDir is searched on the host for further root-only files.
const InfoDiscoverDir = "/proc"

// OpenOnly are InfoPaths whose read would change host state: the probe
// opens them and closes them unread.
var OpenOnly = []string{"/proc/kmsg"}

// ReadonlyWriteCandidates are files below ReadonlyPaths the harness tries
// to open for writing, the host-wide tunables an escape writes (core_pattern
// runs a host program as root on a crash; modprobe, on an unknown binary
// format). The suite adds what the host has below the other read-only
// directories.
var ReadonlyWriteCandidates = []string{
	"/proc/sys/kernel/core_pattern", "/proc/sys/kernel/modprobe", "/proc/sys/vm/drop_caches",
	"/proc/sys/kernel/sysrq", "/proc/sysrq-trigger", "/proc/irq/default_smp_affinity",
}

// SysfsWriteCandidates are host-wide sysfs tunables tried for writing
// (never written) at every sysfs mount the container sees:
// /sys/kernel/uevent_helper runs a host program on every uevent.
var SysfsWriteCandidates = []string{
	"/sys/kernel/uevent_helper", "/sys/kernel/mm/transparent_hugepage/enabled",
	"/sys/kernel/mm/ksm/run", "/sys/kernel/profiling", "/sys/power/state", "/sys/module/printk/parameters/time",
}
