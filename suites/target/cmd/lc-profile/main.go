// Command lc-profile checks runtime profiles before anything runs, and
// shows how a profile turns a run into a command line.
//
//	lc-profile check              the shipped profiles, LC_TARGET_PROFILE's and LC_TARGET_CMD's
//	lc-profile check FILE...      these profile files
//	lc-profile argv NAME|FILE [KNOB=VALUE...]
//	                              the command line, files and environment of one run
//
// check exits 2, with one line naming the problem, when a profile or the
// template is unusable (no {cmd}, an unknown placeholder, an unknown knob,
// a knob neither expressed nor declared impossible in a profile file), and
// prints one line per knob a user's profile or template lacks, with the
// rows that will skip for it.
package main

import (
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/little-container/little-container/profiles"
	"github.com/little-container/little-container/suites/target"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: lc-profile check [FILE...] | lc-profile argv NAME|FILE [KNOB=VALUE...]")
		os.Exit(64)
	}
	switch os.Args[1] {
	case "check":
		os.Exit(check(os.Args[2:]))
	case "argv":
		os.Exit(argv(os.Args[2:]))
	}
	fmt.Fprintf(os.Stderr, "lc-profile: unknown command %q (want check or argv)\n", os.Args[1])
	os.Exit(64)
}

func check(files []string) int {
	bad := 0
	report := func(p *target.Profile, err error, user bool) {
		if err != nil {
			fmt.Fprintf(os.Stderr, "lc-profile: %v\n", err)
			bad++
			return
		}
		if m := p.Missing(); len(m) > 0 && p.Source() != "LC_TARGET_CMD" {
			fmt.Fprintf(os.Stderr, "lc-profile: %s: neither expresses nor declares impossible (with a reason in [cannot]): %v\n", p.Source(), m)
			bad++
		}
		if user {
			for _, c := range p.Costs() {
				fmt.Println("lc-profile: " + c)
			}
		}
	}
	if len(files) > 0 {
		for _, f := range files {
			p, err := target.LoadProfile(f)
			report(p, err, true)
		}
		return exit(bad)
	}
	names, _ := fs.Glob(profiles.FS, "*.toml")
	for _, n := range names {
		p, err := target.Shipped(strings.TrimSuffix(n, ".toml"))
		report(p, err, false)
	}
	for _, f := range target.UserProfilePaths() {
		p, err := target.LoadProfile(f)
		report(p, err, true)
	}
	if t := os.Getenv("LC_TARGET_CMD"); strings.TrimSpace(t) != "" {
		name := os.Getenv("LC_TARGET_NAME")
		if name == "" {
			name = "cmd"
		}
		p, err := target.CommandProfile(name, t, "")
		report(p, err, true)
	}
	return exit(bad)
}

func exit(bad int) int {
	if bad > 0 {
		return 2
	}
	return 0
}

func argv(args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "lc-profile argv: want a profile name or file")
		return 64
	}
	var p *target.Profile
	var err error
	if strings.HasSuffix(args[0], ".toml") {
		p, err = target.LoadProfile(args[0])
	} else {
		p, err = target.Lookup(args[0])
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "lc-profile: %v\n", err)
		return 2
	}
	o, err := target.ParseKnobs(args[1:])
	if err != nil {
		fmt.Fprintf(os.Stderr, "lc-profile: %v\n", err)
		return 64
	}
	if ok, why := target.Supports(p, o); !ok {
		fmt.Fprintf(os.Stderr, "lc-profile: %s\n", why)
		return 1
	}
	d, err := p.DryRun(o)
	if err != nil {
		fmt.Fprintf(os.Stderr, "lc-profile: %v\n", err)
		return 2
	}
	fmt.Print(d)
	return 0
}
