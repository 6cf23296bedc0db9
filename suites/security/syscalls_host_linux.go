package security

import (
	"bufio"
	"os"
	"strings"
)

// kernelSymbol names the calls whose kernel function is named otherwise.
var kernelSymbol = map[string]string{"umount2": "umount"}

// KallsymsKernel reads the host's /proc/kallsyms once and answers whether
// the kernel implements a syscall: on x86-64 an implemented call has a
// text symbol __x64_sys_<name> (type T or t); a configured-out one is a
// weak stub (W) returning ENOSYS, and a removed one has no symbol. The
// symbol names are what counts, so kptr_restrict does not matter.
func KallsymsKernel() Kernel {
	syms := map[string]string{}
	f, err := os.Open("/proc/kallsyms")
	if err != nil {
		return func(string) (bool, bool) { return false, false }
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		fl := strings.Fields(sc.Text())
		if len(fl) >= 3 && strings.HasPrefix(fl[2], "__x64_sys_") {
			syms[strings.TrimPrefix(fl[2], "__x64_sys_")] = fl[1]
		}
	}
	if sc.Err() != nil || len(syms) == 0 {
		return func(string) (bool, bool) { return false, false }
	}
	return func(name string) (bool, bool) {
		sym := strings.TrimPrefix(name, "_")
		if alias, ok := kernelSymbol[name]; ok {
			sym = alias
		}
		t := syms[sym]
		return t == "T" || t == "t", true
	}
}
