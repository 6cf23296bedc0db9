package cgroups

import "strconv"

// memoryWrites caps memory and closes the swap escape: v2 memory.max plus
// memory.swap.max=0; v1 memory.limit_in_bytes, then memsw (memory+swap) at
// the same value. v1 requires memsw >= limit, hence the order.
func memoryWrites(m Mode, r Resources) []fileWrite {
	if r.MemoryMax == 0 {
		return nil
	}
	v := strconv.FormatInt(r.MemoryMax, 10)
	if m == ModeUnified {
		return []fileWrite{
			{Controller: ctrlMemory, File: "memory.max", Value: v},
			{Controller: ctrlMemory, File: "memory.swap.max", Value: "0", Optional: true},
		}
	}
	return []fileWrite{
		{Controller: ctrlMemory, File: "memory.limit_in_bytes", Value: v},
		{Controller: ctrlMemory, File: "memory.memsw.limit_in_bytes", Value: v, Optional: true},
	}
}
