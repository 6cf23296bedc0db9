package vm

import (
	"fmt"
	"io"
)

// cpioWriter writes the "newc" (SVR4, no CRC) cpio format the kernel unpacks
// as an initramfs: a 110-byte ASCII header, the NUL-terminated name padded to
// 4 bytes, the data padded to 4 bytes, and a TRAILER!!! entry at the end.
type cpioWriter struct {
	w    io.Writer
	ino  uint32
	done bool
}

// cpioEntry is one archive member. Mode carries the file type bits (S_IFREG,
// S_IFDIR, ...) as in stat(2), not Go's os.FileMode.
type cpioEntry struct {
	Name         string
	Mode         uint32
	UID, GID     uint32
	Mtime        uint32
	Data         []byte // file content, or the target of a symlink
	Major, Minor uint32 // for device nodes
}

// File type bits as used in cpio headers.
const (
	sIFMT  = 0o170000
	sIFDIR = 0o040000
	sIFREG = 0o100000
	sIFLNK = 0o120000
	sIFCHR = 0o020000
)

func (c *cpioWriter) writeEntry(e cpioEntry) error {
	if c.done {
		return fmt.Errorf("vm: cpio: entry %s after trailer", e.Name)
	}
	c.ino++
	nlink := 1
	if e.Mode&sIFMT == sIFDIR {
		nlink = 2
	}
	hdr := fmt.Sprintf("070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		c.ino, e.Mode, e.UID, e.GID, nlink, e.Mtime, len(e.Data),
		0, 0, // dev major/minor of the archived file system
		e.Major, e.Minor, // rdev
		len(e.Name)+1, 0) // name size including NUL, check
	if _, err := io.WriteString(c.w, hdr); err != nil {
		return fmt.Errorf("vm: cpio header %s: %w", e.Name, err)
	}
	if _, err := io.WriteString(c.w, e.Name+"\x00"); err != nil {
		return fmt.Errorf("vm: cpio name %s: %w", e.Name, err)
	}
	if err := c.pad(len(hdr) + len(e.Name) + 1); err != nil {
		return err
	}
	if _, err := c.w.Write(e.Data); err != nil {
		return fmt.Errorf("vm: cpio data %s: %w", e.Name, err)
	}
	return c.pad(len(e.Data))
}

func (c *cpioWriter) pad(n int) error {
	if r := n % 4; r != 0 {
		if _, err := c.w.Write(make([]byte, 4-r)); err != nil {
			return fmt.Errorf("vm: cpio padding: %w", err)
		}
	}
	return nil
}

// close writes the trailer. It does not close the underlying writer.
func (c *cpioWriter) close() error {
	if err := c.writeEntry(cpioEntry{Name: "TRAILER!!!"}); err != nil {
		return err
	}
	c.done = true
	return nil
}
