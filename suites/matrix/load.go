package matrix

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"

	"github.com/hashicorp/go-multierror"
)

// FromDoc rebuilds the matrix a document describes, with its own strict
// targets unless LC_STRICT_TARGETS overrides them.
func FromDoc(d *Doc) *Matrix {
	strict := d.Strict
	if v := list(os.Getenv("LC_STRICT_TARGETS")); len(v) > 0 || len(strict) == 0 {
		strict = nil
	}
	m := BuildStrict(d.Cells, strict)
	m.Suites, m.Meta = d.Suites, d.Meta
	return m
}

// MergeDir reads the per-suite documents (matrix-*.json) in dir into one
// matrix: every cell, the strict targets they name, every suite's run.
func MergeDir(dir string) (*Matrix, error) {
	files, err := filepath.Glob(filepath.Join(dir, "matrix-*.json"))
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", dir, err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no matrix-*.json in %s", dir)
	}
	all := &Doc{}
	var errs *multierror.Error
	for _, p := range files {
		d, err := readDocFile(p)
		if err != nil {
			errs = multierror.Append(errs, err)
			continue
		}
		all.Cells = append(all.Cells, d.Cells...)
		all.Suites = append(all.Suites, d.Suites...)
		for _, s := range d.Strict {
			if !slices.Contains(all.Strict, s) {
				all.Strict = append(all.Strict, s)
			}
		}
	}
	if errs != nil {
		return nil, errs
	}
	sort.Slice(all.Suites, func(i, j int) bool { return all.Suites[i].Name < all.Suites[j].Name })
	return FromDoc(all), nil
}

// Load reads a matrix from a matrix.json file, or from a run directory:
// its matrix.json, else its per-suite files.
func Load(path string) (*Matrix, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("matrix %s: %w", path, err)
	}
	if !st.IsDir() {
		d, err := readDocFile(path)
		if err != nil {
			return nil, err
		}
		return FromDoc(d), nil
	}
	p := filepath.Join(path, "matrix.json")
	d, err := readDocFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return MergeDir(path)
	}
	if err != nil {
		return nil, err
	}
	return FromDoc(d), nil
}

func readDocFile(p string) (*Doc, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	d, err := ReadDoc(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	return d, nil
}

// Runs lists the run directories under root (reports/<timestamp>), oldest
// first: the directories holding a matrix, by name, which sorts by time.
func Runs(root string) ([]string, error) {
	ents, err := os.ReadDir(root)
	if err != nil {
		return nil, fmt.Errorf("runs in %s: %w", root, err)
	}
	var out []string
	for _, e := range ents {
		if !e.IsDir() {
			continue
		}
		p := filepath.Join(root, e.Name())
		if _, err := os.Stat(filepath.Join(p, "matrix.json")); err == nil {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out, nil
}
