package deps
import (
 _ "github.com/onsi/ginkgo/v2"
 _ "github.com/onsi/gomega"
 _ "golang.org/x/sys/unix"
 _ "github.com/hashicorp/go-multierror"
 _ "github.com/opencontainers/runtime-spec/specs-go"
 _ "github.com/moby/sys/mountinfo"
)
