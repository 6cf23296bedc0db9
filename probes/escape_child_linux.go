package probes

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// runEscapeChild is the re-exec'd half of the escape probe: one technique
// per process, because chroot and fchdir change the whole process.
//
//	-mode climb -dir D   chroot(D), climb, chroot("."), check "/"  → chroot-climb
//	-mode cwd            getcwd, stat ".", climb, check "."        → cwd-outside
//	-mode fd -fd N       fchdir(N), climb, check "."               → fd-leak
func runEscapeChild(env *Env) error {
	fs := NewFlags("escape-child")
	mode := fs.String("mode", "", "climb | cwd | fd")
	dir := fs.String("dir", "", "directory to chroot into (climb)")
	fd := fs.Int("fd", 3, "directory descriptor to start from (fd)")
	if err := fs.Parse(env.Args); err != nil {
		return fmt.Errorf("escape-child: %w", err)
	}
	switch *mode {
	case "climb":
		childClimb(env.Report, env.FP, *dir)
	case "cwd":
		childCwd(env.Report, env.FP)
	case "fd":
		childFD(env.Report, env.FP, *fd)
	default:
		return fmt.Errorf("escape-child: unknown -mode %q", *mode)
	}
	return nil
}

// climbUp walks ".." climbDepth times from the working directory. A
// working directory outside the process's root never meets that root on
// the way, so this ends at the root of the mount namespace.
func climbUp() error {
	for i := 0; i < climbDepth; i++ {
		if err := unix.Chdir(".."); err != nil {
			return fmt.Errorf("chdir .. (step %d): %w", i+1, err)
		}
	}
	return nil
}

func childClimb(r *Report, fp *Fingerprints, dir string) {
	if dir == "" {
		r.Unsupported(escChrootClimb, "no -dir given")
		return
	}
	if err := unix.Chroot(dir); err != nil {
		r.Record(escChrootClimb, fmt.Errorf("chroot %s: %w", dir, err), "")
		return
	}
	// The working directory is still the old "/", now outside the root.
	if err := climbUp(); err != nil {
		r.Record(escChrootClimb, err, "")
		return
	}
	if err := unix.Chroot("."); err != nil {
		r.Record(escChrootClimb, fmt.Errorf("chroot . after climbing: %w", err), "")
		return
	}
	hit, value, ev := checkReach(fp, "/", fp.CanaryPath)
	recordReach(r, escChrootClimb, hit, ev, value)
}

func childCwd(r *Report, fp *Fingerprints) {
	buf := make([]byte, unix.PathMax+1)
	cwd := ""
	n, err := unix.Getcwd(buf) // the raw syscall: keeps "(unreachable)"
	switch {
	case err != nil:
		cwd = "getcwd: " + errText(err)
	case n > 0 && buf[n-1] == 0:
		cwd = string(buf[:n-1])
	default:
		cwd = string(buf[:n])
	}
	var st unix.Stat_t
	start := "stat .: failed"
	if err := unix.Stat(".", &st); err == nil {
		start = ". is " + devIno(&st)
	}
	prefix := fmt.Sprintf("getcwd %q (unreachable=%t), %s", cwd, cwdUnreachable(cwd), start)
	if err := climbUp(); err != nil {
		recordValue(r, escCwdOutside, err, prefix, cwd)
		return
	}
	hit, _, ev := checkReach(fp, ".", "."+fp.CanaryPath)
	recordReach(r, escCwdOutside, hit, prefix+"; after climbing: "+ev, cwd)
}

func childFD(r *Report, fp *Fingerprints, fd int) {
	if err := unix.Fchdir(fd); err != nil {
		r.Record(escFDLeak, fmt.Errorf("fchdir %d: %w", fd, err), "")
		return
	}
	if err := climbUp(); err != nil {
		r.Record(escFDLeak, err, "")
		return
	}
	hit, value, ev := checkReach(fp, ".", "."+fp.CanaryPath)
	recordReach(r, escFDLeak, hit, ev, value)
}
