package probes

import (
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// Probe "linger": leaves processes behind for the killed-runtime check. It
// starts "linger-child" — a re-exec of itself that sleeps at most -sleep
// seconds (default 60, at most 120) and exits — without waiting for it,
// then holds on stdin (at most 30 s) like every probe the host inspects,
// and then, unlike the others, goes on sleeping for the rest of -sleep: a
// runtime whose death closes the container's stdin must not see its
// container end for that reason alone. Both carry "-nonce <FP.Nonce>" as
// words of their command lines, which is how the host finds (and in the end
// kills) every process of the container. Attempts: "linger-child" (Value
// its pid as this process sees it), "hold", "lingered".

func init() {
	Register("linger", "start a bounded sleeping child, hold, then sleep on (for the killed-runtime check)", 125*time.Second, runLinger)
	Register("linger-child", "internal: sleep at most -sleep seconds (run by linger)", 125*time.Second, runLingerChild)
}

func runLinger(env *Env) error {
	fs := NewFlags("linger")
	fs.String("nonce", "", "word by which the host finds this process")
	sleep := fs.Int("sleep", 60, "seconds the child sleeps")
	if err := fs.Parse(env.Args); err != nil {
		return fmt.Errorf("linger: %w", err)
	}
	self, err := selfExe()
	if err != nil {
		env.Report.Unsupported("linger-child", err.Error())
	} else {
		cmd := exec.Command(self, "linger-child", "-nonce", env.FP.Nonce, "-sleep", strconv.Itoa(*sleep))
		cmd.Args[0] = "probe"
		cmd.Env = []string{}
		// Pipes, not /dev/null, which a hermetic rootfs may lack.
		cmd.Stdin, cmd.Stdout, cmd.Stderr = strings.NewReader(""), io.Discard, io.Discard
		if err := cmd.Start(); err != nil {
			env.Report.Record("linger-child", err, "start")
		} else {
			RecordValue(env.Report, "linger-child", nil, strconv.Itoa(cmd.Process.Pid), "started, not waited for")
			_ = cmd.Process.Release()
		}
	}
	start := time.Now()
	RecordValue(env.Report, "hold", nil, Hold(env.Stdin, 30*time.Second), "")
	rest := time.Duration(min(max(*sleep, 0), 120))*time.Second - time.Since(start)
	if rest > 0 {
		time.Sleep(rest)
	}
	RecordValue(env.Report, "lingered", nil, time.Since(start).Round(time.Second).String(), "")
	return nil
}

func runLingerChild(env *Env) error {
	fs := NewFlags("linger-child")
	fs.String("nonce", "", "word by which the host finds this process")
	sleep := fs.Int("sleep", 60, "seconds to sleep")
	if err := fs.Parse(env.Args); err != nil {
		return fmt.Errorf("linger-child: %w", err)
	}
	time.Sleep(time.Duration(min(max(*sleep, 0), 120)) * time.Second)
	RecordValue(env.Report, "slept", nil, strconv.Itoa(*sleep), "")
	return nil
}
