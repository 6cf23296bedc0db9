package vm

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// InitPackage is the Go package built as the guest's /init.
const InitPackage = "github.com/little-container/little-container/cmd/vminit"

// BuildInit compiles cmd/vminit as a static binary at out. It runs the go
// tool, so it works from inside this module's checkout.
func BuildInit(ctx context.Context, out string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags=-s -w", "-o", out, InitPackage)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64")
	if root, err := ModuleRoot(); err == nil {
		cmd.Dir = root
	}
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("vm: build %s: %w: %s", InitPackage, err, strings.TrimSpace(string(b)))
	}
	return nil
}

// ModuleRoot finds the directory holding go.mod, from the working directory up.
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("vm: working directory: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("vm: no go.mod above the working directory")
		}
		dir = parent
	}
}
