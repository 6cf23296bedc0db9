package vm

import (
	"context"
	"fmt"
)

// PrepareOptions is what goes into a guest's initramfs.
type PrepareOptions struct {
	Init    string // static vminit binary (see BuildInit)
	Busybox string // static busybox to add with applet links; empty for none
	Files   []File // extra files: test binaries, the runtime, probes
	Spec    Spec   // the command /init runs
}

// Prepare writes an initramfs at out holding /init, busybox, the files and the
// run spec. Files given later override busybox's links of the same path.
func Prepare(ctx context.Context, out string, o PrepareOptions) error {
	spec, err := MarshalSpec(o.Spec)
	if err != nil {
		return err
	}
	files := []File{{Path: InitPath, Host: o.Init, Mode: 0o755}}
	if o.Busybox != "" {
		bb, err := BusyboxFiles(ctx, o.Busybox)
		if err != nil {
			return fmt.Errorf("vm: prepare: %w", err)
		}
		files = append(files, bb...)
	}
	files = append(files,
		File{Path: ReportsDir, Dir: true, Mode: 0o777},
		File{Path: "/root", Dir: true, Mode: 0o700},
		File{Path: "/mnt", Dir: true},
	)
	files = append(files, o.Files...)
	files = append(files, File{Path: SpecPath, Data: spec})
	return BuildInitramfs(out, files)
}
