package vm

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/go-multierror"
)

// Kernel is a kernel directory that scripts/vm-kernel prepared: the image
// to boot, what it is, and the modules the guest loads before the command.
type Kernel struct {
	Dir     string
	Image   string   // vmlinux when extracted (about 2 s to boot under TCG instead of 5-7 s), else vmlinuz
	Release string   // the release the image names, as uname -r will print it
	Source  string   // one line: the Debian package or the image path it came from
	Modules []string // host paths of plain .ko files, in load order
}

// ModuleDir is where the guest finds the modules of Spec.Modules.
const ModuleDir = "/lib/modules/lc"

// ErrNoKernel means scripts/vm-kernel has not prepared the kernel yet.
var ErrNoKernel = errors.New("vm: no kernel prepared (run make deps, or scripts/vm-kernel)")

// LoadKernel reads a directory written by scripts/vm-kernel.
func LoadKernel(dir string) (Kernel, error) {
	k := Kernel{Dir: dir}
	var errs error
	for _, name := range []string{"vmlinux", "vmlinuz"} {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err != nil {
			errs = multierror.Append(errs, err)
			continue
		}
		k.Image = p
		break
	}
	if k.Image == "" {
		return k, fmt.Errorf("%w: %v", ErrNoKernel, errs)
	}
	for name, dst := range map[string]*string{"release": &k.Release, "source": &k.Source} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return k, fmt.Errorf("%w: %s is incomplete: %v", ErrNoKernel, dir, err)
		}
		*dst = strings.TrimSpace(string(b))
	}
	order, err := os.ReadFile(filepath.Join(dir, "modules", "order"))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return k, fmt.Errorf("vm: kernel %s: %w", dir, err)
	}
	for _, name := range strings.Fields(string(order)) {
		k.Modules = append(k.Modules, filepath.Join(dir, "modules", name+".ko"))
	}
	return k, nil
}

// DefaultKernelDir is the kernel scripts/vm-kernel chose by default
// (build/vm/default in the module root).
func DefaultKernelDir() (string, error) {
	root, err := ModuleRoot()
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrNoKernel, err)
	}
	return filepath.Join(root, "build", "vm", "default"), nil
}

// DefaultKernel loads DefaultKernelDir.
func DefaultKernel() (Kernel, error) {
	dir, err := DefaultKernelDir()
	if err != nil {
		return Kernel{}, err
	}
	return LoadKernel(dir)
}

// ModuleFiles puts the kernel's modules into the initramfs under ModuleDir
// and returns their guest paths in load order, for Spec.Modules.
func (k Kernel) ModuleFiles() (files []File, guest []string) {
	for _, m := range k.Modules {
		g := ModuleDir + "/" + filepath.Base(m)
		files = append(files, File{Path: g, Host: m, Mode: 0o644})
		guest = append(guest, g)
	}
	return files, guest
}
