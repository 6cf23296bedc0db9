package surface_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/little-container/little-container/suites/check"
)

func TestSurface(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Ways in: volumes, terminal, network")
}

var art = check.Suite("surface")
