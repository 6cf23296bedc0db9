package escape_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/little-container/little-container/suites/check"
)

func TestEscape(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Escape resistance")
}

var art = check.Suite("escape")
