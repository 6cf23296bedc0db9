package runtime

import (
	"io"
	"os"
	"os/signal"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/little-container/little-container/runtime/term"
)

// ttyDrain bounds how long the runtime keeps copying the container's
// output once its command ended: the pty's slave closes when the last
// process holding it is gone, which with a shared PID namespace may be
// never.
const ttyDrain = 2 * time.Second

// ttyProxy is the runtime's side of the container's pty (--tty): it copies
// the runtime's stdin into the master and the master into its stdout, puts
// a terminal stdin in raw mode (so Ctrl-C, Ctrl-Z and Ctrl-\ reach the
// container's line discipline as bytes, like every other key) and passes
// the terminal's window size on, at start and on each SIGWINCH.
type ttyProxy struct {
	master  *os.File
	term    int            // the caller's terminal, -1 when stdin is none
	saved   *unix.Termios  // its mode before raw, restored by stop
	winch   chan os.Signal // SIGWINCH while a terminal is attached
	out     chan struct{}  // closed when the output copy ends
	stopped sync.Once
}

// terminalFD returns the descriptor of r when it is a terminal, else -1.
func terminalFD(r any) int {
	f, ok := r.(*os.File)
	if !ok || f == nil {
		return -1
	}
	if _, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS); err != nil {
		return -1
	}
	return int(f.Fd())
}

// startTTY takes over master (the descriptor the init sent) and starts the
// copies. It runs before the command does, so the first window size is in
// place when a shell asks for it.
func startTTY(spec *Spec, master int) (*ttyProxy, error) {
	p := &ttyProxy{master: os.NewFile(uintptr(master), "pty-master"), term: terminalFD(spec.Stdin), out: make(chan struct{})}
	size := p.term
	if size < 0 {
		size = terminalFD(spec.Stdout)
	}
	if size >= 0 {
		copyWinsize(size, master)
	}
	if p.term >= 0 {
		saved, err := unix.IoctlGetTermios(p.term, unix.TCGETS)
		if err != nil {
			return nil, err
		}
		raw := *saved
		term.MakeRaw(&raw)
		if err := unix.IoctlSetTermios(p.term, unix.TCSETSW, &raw); err != nil {
			return nil, err
		}
		p.saved = saved
		p.winch = make(chan os.Signal, 4)
		signal.Notify(p.winch, unix.SIGWINCH)
		go func(winch <-chan os.Signal, from int) {
			for range winch {
				copyWinsize(from, master)
			}
		}(p.winch, p.term)
	}
	if spec.Stdin != nil {
		go func() {
			// Left blocked in a read of the caller's stdin when the
			// container ends first: the CLI exits right after.
			io.Copy(p.master, spec.Stdin)
			if p.term < 0 {
				// End of a piped input: the end-of-file character, read
				// as end of input by the canonical line discipline.
				p.master.Write([]byte{4})
			}
		}()
	}
	stdout := spec.Stdout
	if stdout == nil {
		stdout = io.Discard
	}
	go func() {
		// Ends with EIO once no process holds the slave any more.
		io.Copy(stdout, p.master)
		close(p.out)
	}()
	return p, nil
}

// stop waits (boundedly) for the container's last output, restores the
// caller's terminal and stops listening for window changes. Safe to call
// more than once.
func (p *ttyProxy) stop() {
	p.stopped.Do(func() {
		select {
		case <-p.out:
		case <-time.After(ttyDrain):
		}
		if p.winch != nil {
			signal.Stop(p.winch)
			close(p.winch)
		}
		if p.saved != nil {
			unix.IoctlSetTermios(p.term, unix.TCSETSW, p.saved)
		}
		p.master.Close()
	})
}

// copyWinsize gives the pty to the window size of the terminal from.
func copyWinsize(from, to int) {
	ws, err := unix.IoctlGetWinsize(from, unix.TIOCGWINSZ)
	if err == nil && ws.Row > 0 && ws.Col > 0 {
		unix.IoctlSetWinsize(to, unix.TIOCSWINSZ, ws)
	}
}
