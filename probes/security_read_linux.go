package probes

// Security probe, reads of kernel memory and masked /proc paths (stable
// names; see security_linux.go). Each opens O_RDONLY and reads; Value =
// bytes read, and succeeded only if more than 0 bytes came back: a path
// masked by a /dev/null bind opens but reads nothing, which counts as
// blocked (Detail says "read 0 bytes").
//
//	read-kcore          /proc/kcore, 16 bytes (its ELF header).
//	read-dev-mem        /dev/mem, 16 bytes at offset 0.
//	kallsyms-addresses  /proc/kallsyms, first 256 KiB: succeeded = some
//	                    symbol shows a non-zero address (kptr_restrict not in
//	                    force for this process). Value = how many did.
//	read-timer-list     /proc/timer_list, up to 64 KiB.
//	read-sched-debug    /proc/sched_debug, up to 64 KiB (absent on kernels
//	                    that moved it to debugfs: failed ENOENT).
//	read-proc-keys      /proc/keys, up to 64 KiB.

import (
	"fmt"
	"strconv"

	"golang.org/x/sys/unix"
)

const secKallsymsLimit = 256 << 10

func secReads(r *Report) {
	secReadSome(r, "read-kcore", "/proc/kcore", 16)
	secReadSome(r, "read-dev-mem", "/dev/mem", 16)
	secKallsyms(r)
	secReadSome(r, "read-timer-list", "/proc/timer_list", 64<<10)
	secReadSome(r, "read-sched-debug", "/proc/sched_debug", 64<<10)
	secReadSome(r, "read-proc-keys", "/proc/keys", 64<<10)
}

// secReadSome opens path read-only and reads at most limit bytes.
func secReadSome(r *Report, name, path string, limit int) {
	b, err := secRead(path, limit)
	n := len(b)
	if err != nil {
		RecordValue(r, name, err, strconv.Itoa(n), openDefence(err))
		return
	}
	err = readOutcome(n, nil)
	detail := fmt.Sprintf("read %d bytes of %s", n, path)
	if err != nil {
		detail = "opened " + path + ", masked"
	}
	RecordValue(r, name, err, strconv.Itoa(n), detail)
}

// secRead reads at most limit bytes of path with one buffer of that size,
// so a 16-byte read of /proc/kcore asks the kernel for 16 bytes only.
func secRead(path string, limit int) ([]byte, error) {
	fd, err := openRetry(path, unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NOCTTY)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	defer unix.Close(fd)
	b, err := readFD(fd, limit)
	if err != nil {
		return b, fmt.Errorf("read %s: %w", path, err)
	}
	return b, nil
}

func secKallsyms(r *Report) {
	const name, path = "kallsyms-addresses", "/proc/kallsyms"
	b, err := secRead(path, secKallsymsLimit)
	if err != nil {
		RecordValue(r, name, err, "0", openDefence(err))
		return
	}
	lines, nonZero := KallsymsAddresses(string(b))
	detail := fmt.Sprintf("%d symbol lines in the first %d bytes, %d with a non-zero address", lines, len(b), nonZero)
	var verdict error
	switch {
	case len(b) == 0:
		verdict = errReadEmpty
	case nonZero == 0:
		verdict = fmt.Errorf("all addresses zero (kptr_restrict)")
	}
	RecordValue(r, name, verdict, strconv.Itoa(nonZero), detail)
}
