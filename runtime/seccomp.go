package runtime

// SeccompProfile selects the system call filter of a container.
type SeccompProfile string

const (
	// SeccompDefault denies the calls that reach the kernel as a whole
	// (module loading, kexec, keyrings, bpf, perf, mounting, new user or
	// mount namespaces, ...) with EPERM, in the spirit of Docker's default.
	SeccompDefault SeccompProfile = ""
	// SeccompUnconfined installs no filter: a weakening for controls.
	SeccompUnconfined SeccompProfile = "unconfined"
)
