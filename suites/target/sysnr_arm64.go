package target

// readSyscallNr is read(2)'s number as /proc/<pid>/syscall prints it.
const readSyscallNr = "63"
