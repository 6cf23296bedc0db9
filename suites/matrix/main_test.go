package matrix

import (
	"os"
	"testing"
)

// TestMain clears the environment that chooses strict targets and column
// order (make test sets LC_TARGETS), so each test sees the defaults unless
// it sets its own.
func TestMain(m *testing.M) {
	for _, k := range []string{"LC_TARGETS", "LC_STRICT_TARGETS"} {
		os.Unsetenv(k)
	}
	os.Exit(m.Run())
}
