package namespaces_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/little-container/little-container/suites/check"
)

func TestNamespaces(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Namespace isolation")
}

var art = check.Suite("namespaces")
