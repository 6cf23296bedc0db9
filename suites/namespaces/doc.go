// Package namespaces is the "ns" suite: for each namespace it runs the ns
// probe in a container and decides by behaviour — what the probe could see
// and reach, and what the host saw while the container lived — whether the
// namespace isolates. Each check has a negative control with the matching
// weakening, which must FAIL. The pure judging lives here; the specs are in
// the _test files.
package namespaces
