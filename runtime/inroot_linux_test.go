package runtime

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

// hostileTree lays out a rootfs full of links that point out of it, and a
// sacrificial directory beside it that they aim at: nothing may ever
// appear there.
func hostileTree(t *testing.T) (root, outside string) {
	t.Helper()
	base := t.TempDir()
	root, outside = filepath.Join(base, "root"), filepath.Join(base, "outside")
	for _, d := range []string{root, outside, root + "/etc", root + "/dir", root + "/proc"} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(root+"/file", []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	links := map[string]string{
		"abs":       "/",
		"up":        "../../..",
		"toout":     outside,        // the rootfs's own host path, as in the reported attack
		"rel":       "../outside",   // relative, one level up
		"etclink":   "/etc",         // absolute, to something the root has
		"chain":     "up/etc",       // through another link
		"dir/deep":  "../../../../", // deeper ..
		"loop1":     "loop2",
		"loop2":     "loop1",
		"dangling":  "/nonexistent/x",
		"intofile":  "file/x",
		"dir/self":  ".",
		"toroot":    "..",
		"dotdotabs": "/../../etc",
	}
	for name, to := range links {
		if err := os.Symlink(to, filepath.Join(root, name)); err != nil {
			t.Fatal(err)
		}
	}
	return root, outside
}

func statFD(t *testing.T, fd int) [2]uint64 {
	t.Helper()
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		t.Fatal(err)
	}
	return [2]uint64{st.Dev, st.Ino}
}

func statPath(t *testing.T, p string) [2]uint64 {
	t.Helper()
	var st unix.Stat_t
	if err := unix.Stat(p, &st); err != nil {
		t.Fatal(err)
	}
	return [2]uint64{st.Dev, st.Ino}
}

// eachResolver runs f once with openat2 (where the kernel has it) and once
// with the component walk that stands in for it on older kernels.
func eachResolver(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	for _, walk := range []bool{false, true} {
		name := "openat2"
		if walk {
			name = "walk"
		} else if !haveOpenat2() {
			t.Logf("the kernel has no openat2: only the walk is tested")
			continue
		}
		t.Run(name, func(t *testing.T) {
			useWalk = walk
			defer func() { useWalk = false }()
			f(t)
		})
	}
}

func TestOpenInRootStaysInside(t *testing.T) {
	root, _ := hostileTree(t)
	rfd, err := unix.Open(root, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(rfd)
	eachResolver(t, func(t *testing.T) {
		for _, tc := range []struct{ in, want string }{
			{"abs", ""}, {"up", ""}, {"etclink", "etc"}, {"chain", "etc"}, {"dir/deep", ""},
			{"dir/self", "dir"}, {"toroot", ""}, {"dotdotabs", "etc"}, {"/../../..", ""},
			{"abs/etc", "etc"}, {"up/up/abs/dir", "dir"}, {"/", ""},
		} {
			fd, err := openInRoot(rfd, tc.in)
			if err != nil {
				t.Errorf("%s: %v", tc.in, err)
				continue
			}
			if got, want := statFD(t, fd), statPath(t, filepath.Join(root, tc.want)); got != want {
				t.Errorf("%s resolved to %v, want /%s of the root %v", tc.in, got, tc.want, want)
			}
			unix.Close(fd)
		}
		for _, tc := range []struct {
			in   string
			want error
		}{
			{"toout", unix.ENOENT}, // the host path does not exist inside the root
			{"rel", unix.ENOENT},
			{"loop1", unix.ELOOP},
			{"dangling", unix.ENOENT},
			{"intofile", unix.ENOTDIR},
			{"file/x", unix.ENOTDIR},
		} {
			fd, err := openInRoot(rfd, tc.in)
			if err == nil {
				unix.Close(fd)
			}
			if !errors.Is(err, tc.want) {
				t.Errorf("%s: %v, want %v", tc.in, err, tc.want)
			}
		}
	})
}

func TestRootDirCreatesOnlyInside(t *testing.T) {
	eachResolver(t, func(t *testing.T) {
		root, outside := hostileTree(t)
		r, err := openRootDir(root, false)
		if err != nil {
			t.Fatal(err)
		}
		defer r.close()
		for _, tc := range []struct{ in, want string }{
			{"toout/a/b", "outside-is-not-here"}, // ENOENT is not the way: see below
			{"abs/new1", "new1"},
			{"up/etc/new2", "etc/new2"},
			{"dir/deep/new3/x", "new3/x"},
		} {
			fd, err := r.mkdirAll(tc.in, 0o755)
			if tc.want == "outside-is-not-here" {
				// toout names a host path: inside the root it is a
				// dangling link, so nothing can be created through it.
				if err == nil {
					unix.Close(fd)
					t.Errorf("mkdirAll %s succeeded", tc.in)
				}
				continue
			}
			if err != nil {
				t.Errorf("mkdirAll %s: %v", tc.in, err)
				continue
			}
			if got, want := statFD(t, fd), statPath(t, filepath.Join(root, tc.want)); got != want {
				t.Errorf("mkdirAll %s made %v, want /%s %v", tc.in, got, tc.want, want)
			}
			unix.Close(fd)
		}
		fd, err := r.mkfile("abs/etc/volfile", 0o644)
		if err != nil {
			t.Fatalf("mkfile: %v", err)
		}
		unix.Close(fd)
		if _, err := os.Stat(filepath.Join(root, "etc/volfile")); err != nil {
			t.Errorf("mkfile did not create /etc/volfile inside: %v", err)
		}
		for _, name := range []string{"abs", "toout", "rel", "file"} {
			if fd, err := r.realDir(name, 0o555); err == nil {
				unix.Close(fd)
				t.Errorf("realDir %s accepted", name)
			} else if ue := (*UnsafeRootfsError)(nil); !errors.As(err, &ue) {
				t.Errorf("realDir %s: %v, want an UnsafeRootfsError", name, err)
			}
		}
		for _, name := range []string{"proc", "sys"} { // existing, and made
			fd, err := r.realDir(name, 0o555)
			if err != nil {
				t.Errorf("realDir %s: %v", name, err)
				continue
			}
			unix.Close(fd)
		}
		if entries, _ := os.ReadDir(outside); len(entries) != 0 {
			t.Errorf("created outside the root: %v", entries)
		}
	})
}

func TestRootDirFollowIsTheWeakening(t *testing.T) {
	// The negative control: following links on the host writes into the
	// sacrificial directory.
	root, outside := hostileTree(t)
	r, err := openRootDir(root, true)
	if err != nil {
		t.Fatal(err)
	}
	defer r.close()
	fd, err := r.mkdirAll("toout/made", 0o755)
	if err != nil {
		t.Fatal(err)
	}
	unix.Close(fd)
	if _, err := os.Stat(filepath.Join(outside, "made")); err != nil {
		t.Errorf("the weakening did not follow the link out: %v", err)
	}
}
