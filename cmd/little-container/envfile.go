package main

import (
	"fmt"
	"os"
	"strings"
	"unicode"
)

// maxEnvFile bounds an --env-file: it is read whole into memory.
const maxEnvFile = 1 << 20

// readEnvFile reads an --env-file (docker's format) from the host.
func readEnvFile(path string, lookup func(string) (string, bool)) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--env-file: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("--env-file: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("--env-file %s: not a regular file", path)
	}
	if fi.Size() > maxEnvFile {
		return nil, fmt.Errorf("--env-file %s: larger than %d bytes", path, maxEnvFile)
	}
	b := make([]byte, fi.Size())
	if _, err := f.ReadAt(b, 0); err != nil && fi.Size() > 0 {
		return nil, fmt.Errorf("--env-file: %w", err)
	}
	env, err := parseEnvFile(string(b), lookup)
	if err != nil {
		return nil, fmt.Errorf("--env-file %s: %w", path, err)
	}
	return env, nil
}

// parseEnvFile reads KEY=VALUE lines as docker's --env-file does: blank
// lines and lines starting with # are skipped, leading white space is
// dropped, the value is taken as it stands (no quotes, no expansion), and
// a bare KEY takes the caller's value of KEY, or is left out when the
// caller has none.
func parseEnvFile(text string, lookup func(string) (string, bool)) ([]string, error) {
	var env []string
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimLeftFunc(strings.TrimSuffix(line, "\r"), unicode.IsSpace)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, val, hasVal := strings.Cut(line, "=")
		if key == "" || strings.ContainsFunc(key, unicode.IsSpace) || strings.ContainsRune(line, 0) {
			return nil, fmt.Errorf("line %d: want KEY=VALUE or KEY, got %s", i+1, show(line))
		}
		if !hasVal {
			v, ok := lookup(key)
			if !ok {
				continue
			}
			val = v
		}
		env = append(env, key+"="+val)
	}
	return env, nil
}

// mergeEnv joins environment lists, a later KEY replacing an earlier one
// in its place: a C program's getenv takes the first of two entries.
func mergeEnv(lists ...[]string) []string {
	var out []string
	at := map[string]int{}
	for _, l := range lists {
		for _, e := range l {
			k, _, _ := strings.Cut(e, "=")
			if i, ok := at[k]; ok {
				out[i] = e
				continue
			}
			at[k] = len(out)
			out = append(out, e)
		}
	}
	return out
}
