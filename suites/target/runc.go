package target

// NewRunc is the "runc" target: runc run on an OCI bundle from package oci,
// with the cgroupfs driver (cgroupsPath "/<id>").
func NewRunc(bin string) *OCI {
	return &OCI{Runtime: "runc", Bin: bin, RootlessFlag: "--rootless=true"}
}
