package cgroups

// DeviceAllowList is what a container may open on v1 when
// Resources.Devices is set: null, zero, full, random, urandom, tty,
// console, ptmx and its pseudo-terminals. Making any node (mknod) stays
// allowed; opening one outside the list fails with EPERM.
var DeviceAllowList = []string{
	"c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm", "c 1:9 rwm",
	"c 5:0 rwm", "c 5:1 rwm", "c 5:2 rwm", "c 136:* rwm",
	"c *:* m", "b *:* m",
}

// devicesWrites denies every device, then allows the list one entry per
// write, as devices.allow takes them. Optional: skipped without a devices
// hierarchy; never on v2.
func devicesWrites(m Mode, r Resources) []fileWrite {
	if !r.Devices || m == ModeUnified {
		return nil
	}
	ws := []fileWrite{{Controller: ctrlDevices, File: "devices.deny", Value: "a", Optional: true}}
	for _, e := range DeviceAllowList {
		ws = append(ws, fileWrite{Controller: ctrlDevices, File: "devices.allow", Value: e, Optional: true})
	}
	return ws
}
