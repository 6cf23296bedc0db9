// Package reference holds the harness's own expectations, written from
// published references and never imported from a runtime under test: the
// system calls Docker's default seccomp profile denies, the paths the OCI
// runtimes and Docker mask or make read-only, and the namespace requests a
// default container may not make. A runtime whose defaults drift from these
// lists fails the checks that use them; the lists change only when the
// reference does, with the reference named next to the change.
package reference
