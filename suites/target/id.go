package target

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"

	"github.com/onsi/ginkgo/v2"
)

// NewID returns a container id unique across parallel Ginkgo processes:
// "lc-p<process>-<random>".
func NewID() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b) // crypto/rand does not fail on Linux
	return fmt.Sprintf("lc-p%d-%s", ginkgo.GinkgoParallelProcess(), hex.EncodeToString(b))
}
