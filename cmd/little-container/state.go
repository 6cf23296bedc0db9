package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/sys/unix"

	"github.com/little-container/little-container/runtime"
)

const psUsage = `Usage: little-container ps [--state-dir DIR]

Lists the containers recorded in the state directory: id, host pid of PID 1,
age, status, cgroup and command. "running" means its runtime process lives;
"stale" means the runtime was killed and 'little-container gc' (or delete)
collects what it left.
`

const killUsage = `Usage: little-container kill [--state-dir DIR] ID [SIGNAL]

Sends SIGNAL (a name such as TERM or SIGKILL, or a number; default TERM) to
the PID 1 of running container ID, checked by its start time to be the same
process. The kernel gives a PID namespace's init only the signals it has a
handler for, and always SIGKILL.
`

const deleteUsage = `Usage: little-container delete [--state-dir DIR] ID

Collects container ID after its runtime is gone: kills what is left of it,
removes its cgroups and its state. A running container is refused.
`

const gcUsage = `Usage: little-container gc [--state-dir DIR]

Collects every recorded container whose runtime is gone, as delete does,
and prints one line per container collected. Containers whose runtime lives
are never touched.
`

// stateCommand runs one of the state commands: it parses --state-dir and
// the positional arguments, which must number between min and max, prints
// the help for -h, and prints what body returns as the one error line.
func stateCommand(cmd string, args []string, min, max int, stdout, stderr io.Writer, body func(dir string, rest []string) error) int {
	var dir string
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.StringVar(&dir, "state-dir", "", "")
	err := parseFlags(fs, cmd, args)
	if errors.Is(err, flag.ErrHelp) {
		commands[cmd](stdout)
		return 0
	}
	if err == nil && (fs.NArg() < min || fs.NArg() > max) {
		err = usageError(fmt.Sprintf("%s takes %s (see 'little-container help %s')", cmd, map[string]string{
			"ps": "no arguments", "gc": "no arguments", "delete": "one container ID", "kill": "a container ID and an optional SIGNAL",
		}[cmd], cmd))
	}
	if err == nil {
		err = body(dir, fs.Args())
	}
	if err != nil {
		return fail(stderr, err)
	}
	return 0
}

func psCmd(args []string, stdout, stderr io.Writer) int {
	return stateCommand("ps", args, 0, 0, stdout, stderr, func(dir string, _ []string) error {
		states, err := runtime.ListStates(dir)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tPID\tAGE\tSTATUS\tCGROUP\tCOMMAND")
		for _, s := range states {
			status := "running"
			if !s.Running {
				status = "stale"
			}
			pid := "-"
			if s.Pid > 0 {
				pid = strconv.Itoa(s.Pid)
			}
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", s.ID, pid, runtime.FormatAge(time.Since(s.Created)), status,
				s.CgroupPath(), strings.Join(quoteArgs(s.Command), " "))
		}
		return w.Flush()
	})
}

// quoteArgs quotes the arguments that would not read back as one word.
func quoteArgs(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		if a == "" || strings.ContainsAny(a, " \t\n\"'\\$`") {
			a = strconv.Quote(a)
		}
		out[i] = a
	}
	return out
}

func killCmd(args []string, stdout, stderr io.Writer) int {
	return stateCommand("kill", args, 1, 2, stdout, stderr, func(dir string, rest []string) error {
		sig := unix.SIGTERM
		if len(rest) == 2 {
			var err error
			if sig, err = parseSignal(rest[1]); err != nil {
				return err
			}
		}
		_, err := runtime.KillContainer(dir, rest[0], sig)
		return err
	})
}

// parseSignal reads TERM, SIGTERM, term or 15.
func parseSignal(v string) (unix.Signal, error) {
	if n, err := strconv.Atoi(v); err == nil {
		if n < 1 || n > 64 {
			return 0, fmt.Errorf("signal %s: want 1 to 64", show(v))
		}
		return unix.Signal(n), nil
	}
	name := strings.ToUpper(v)
	if !strings.HasPrefix(name, "SIG") {
		name = "SIG" + name
	}
	if s := unix.SignalNum(name); s != 0 {
		return s, nil
	}
	return 0, fmt.Errorf("unknown signal %s (want a name such as TERM or a number)", show(v))
}

func deleteCmd(args []string, stdout, stderr io.Writer) int {
	return stateCommand("delete", args, 1, 1, stdout, stderr, func(dir string, rest []string) error {
		st, err := runtime.DeleteContainer(dir, rest[0])
		if errors.Is(err, runtime.ErrRunning) {
			return fmt.Errorf("container %s is running (runtime pid %d); stop it first: little-container kill %s KILL", st.ID, st.Owner, st.ID)
		}
		return err
	})
}

func gcCmd(args []string, stdout, stderr io.Writer) int {
	return stateCommand("gc", args, 0, 0, stdout, stderr, func(dir string, _ []string) error {
		done, err := runtime.GC(dir)
		for _, s := range done {
			fmt.Fprintf(stdout, "collected %s (runtime pid %d gone; cgroup %s)\n", s.ID, s.Owner, s.CgroupPath())
		}
		if err != nil {
			return fmt.Errorf("gc: %w", err)
		}
		return nil
	})
}
