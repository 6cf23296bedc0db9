package runtime

import (
	"errors"
	"strings"

	"golang.org/x/sys/unix"
)

// resolveCommand finds the command inside the new root, as a shell would,
// so the runtime can answer 127 (not found) or 126 (not executable) before
// it releases the container, instead of a bare exec failure.
func resolveCommand(name string, env []string) (string, error) {
	if strings.Contains(name, "/") {
		return name, checkExecutable(name, name)
	}
	path := DefaultPath
	for _, e := range env {
		if v, ok := strings.CutPrefix(e, "PATH="); ok {
			path = v
		}
	}
	var firstErr error
	for _, dir := range strings.Split(path, ":") {
		if dir == "" {
			dir = "."
		}
		p := dir + "/" + name
		err := checkExecutable(name, p)
		if err == nil {
			return p, nil
		}
		if !errors.Is(err, ErrCommandNotFound) && firstErr == nil {
			firstErr = err // found but not executable: remember, keep looking
		}
	}
	if firstErr != nil {
		return "", firstErr
	}
	return "", &StartError{Step: "exec " + name, Msg: "not found in the container's PATH " + path, Code: ExitCommandMissing}
}

func checkExecutable(name, p string) error {
	var st unix.Stat_t
	if err := unix.Stat(p, &st); err != nil {
		return &StartError{Step: "exec " + name, Msg: p + ": " + err.Error(), Code: ExitCommandMissing}
	}
	if st.Mode&unix.S_IFMT == unix.S_IFDIR {
		return &StartError{Step: "exec " + name, Msg: p + ": is a directory", Code: ExitCannotExecute}
	}
	if err := unix.Access(p, unix.X_OK); err != nil {
		return &StartError{Step: "exec " + name, Msg: p + ": " + err.Error(), Code: ExitCannotExecute}
	}
	return nil
}
