package target

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
)

// Cleaner is a target with a cleanup path of its own that a user calls
// after the runtime died (little-container gc / delete ID): the
// killed-runtime check runs it, and judges what is left afterwards. A
// target without one is judged as it leaves things. The OCI targets need
// none here: every run already ends in `delete -f ID`.
type Cleaner interface {
	// Cleanup collects what the runtime left of container id. ok is false
	// when this build has no cleanup path.
	Cleanup(ctx context.Context, id string) (argv []string, ok bool, err error)
}

// Cleanup implements Cleaner: `little-container delete ID` where the built
// CLI has it. Not `gc`, which collects every stale container of the host,
// other people's included.
func (l *LittleContainer) Cleanup(ctx context.Context, id string) ([]string, bool, error) {
	var ran []string
	for _, sub := range [][]string{{"delete", id}} {
		if !cliHasCommand(l.Bin, sub[0]) {
			continue
		}
		ran = append(ran, strings.Join(sub, " "))
		out, err := exec.CommandContext(ctx, l.Bin, sub...).CombinedOutput()
		if err != nil && !strings.Contains(string(out), "no such container") && !strings.Contains(string(out), "not found") {
			return ran, true, fmt.Errorf("%s %s: %w: %s", l.Bin, strings.Join(sub, " "), err, strings.TrimSpace(string(out)))
		}
	}
	return ran, len(ran) > 0, nil
}

// cliHasCommand says whether `bin help` lists subcommand cmd.
func cliHasCommand(bin, cmd string) bool {
	if bin == "" {
		return false
	}
	out, _ := exec.Command(bin, "help").CombinedOutput()
	return strings.Contains(string(out), "little-container "+cmd+" ") || strings.Contains(string(out), "little-container "+cmd+"\n")
}
