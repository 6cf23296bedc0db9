package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/hashicorp/go-multierror"

	"github.com/little-container/little-container/runtime"
)

// fail prints err as the one line a user sees and returns its exit code.
func fail(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "little-container: %s\n", oneLine(err))
	return runtime.ExitCode(err)
}

// oneLine flattens an error to a single line: collected errors joined with
// "; ", and any line break left in a message (a file name may hold one)
// written as \n.
func oneLine(err error) string {
	var me *multierror.Error
	msg := err.Error()
	if errors.As(err, &me) && len(me.Errors) > 0 {
		var parts []string
		for _, e := range me.Errors {
			parts = append(parts, e.Error())
		}
		msg = strings.Join(parts, "; ")
	}
	return strings.NewReplacer("\n", `\n`, "\r", `\r`).Replace(msg)
}

// show quotes a value the user gave for a message, shortened when long.
func show(v string) string {
	if len(v) > 64 {
		v = v[:64] + "..."
	}
	return strconv.Quote(v)
}

// flagName prints a flag name from the flag package's message as the user
// would type it.
func flagName(n string) string {
	n = strings.TrimLeft(n, "-")
	clean := strings.Map(func(r rune) rune {
		if unicode.IsGraphic(r) && r != ' ' {
			return r
		}
		return '?'
	}, n)
	if len(clean) > 64 {
		clean = clean[:64] + "..."
	}
	return "--" + clean
}

// The flag package's messages, compiled only when a flag is wrong: a
// pattern compiled at start-up costs every container's start.
var (
	reInvalidValue = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?s)^invalid value "(.*)" for flag -(\S+): (.*)$`)
	})
	reInvalidBool = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?s)^invalid boolean value "(.*)" for -(\S+): (.*)$`)
	})
)

// parseFlags parses args with fs, whose own output is silenced, and turns
// the flag package's errors into one line that names the flag:
//
//	unknown flag --nope (see 'little-container help run')
func parseFlags(fs *flag.FlagSet, cmd string, args []string) error {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	err := fs.Parse(args)
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return err
	}
	see := fmt.Sprintf(" (see 'little-container help %s')", cmd)
	msg := err.Error()
	if n, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		return usageError("unknown flag " + flagName(n) + see)
	}
	if n, ok := strings.CutPrefix(msg, "flag needs an argument: "); ok {
		return usageError("flag " + flagName(n) + " needs a value" + see)
	}
	if m := reInvalidValue().FindStringSubmatch(msg); m != nil {
		v, _ := strconv.Unquote(`"` + m[1] + `"`)
		return usageError(fmt.Sprintf("%s %s: %s%s", flagName(m[2]), show(v), m[3], see))
	}
	if m := reInvalidBool().FindStringSubmatch(msg); m != nil {
		return usageError(fmt.Sprintf("%s takes no value (got %s)%s", flagName(m[2]), show(m[1]), see))
	}
	return usageError(msg + see)
}

// usageError is a mistake on the command line: exit 125.
type usageError string

func (e usageError) Error() string { return string(e) }
