# little-container — make targets users type. Root is needed for everything
# that creates containers (test, verify); `make deps` installs what they need.
SHELL := /bin/bash
export PATH := $(PATH):/usr/local/go/bin:$(HOME)/go/bin
GO      ?= go
BUILD   ?= build
REPORTS ?= reports
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)

.PHONY: all deps build test unit fuzz verify verify-vm rootfs lint clean bench

all: build

## deps: install packages (busybox-static, qemu, runc, crun, bwrap) and fetch the VM kernel
deps:
	scripts/deps

## build: the runtime CLI and the static probe under build/
build:
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o $(BUILD)/little-container ./cmd/little-container
	CGO_ENABLED=0 $(GO) build -o $(BUILD)/probe ./cmd/probe

## test: vet, unit tests, end-to-end container tests and the suites against
## our runtime (as root); `make verify` grades the other runtimes too
test:
	$(GO) vet ./...
	LC_TARGETS=little-container LC_REPORT_DIR=$(abspath $(REPORTS))/test $(GO) test -count=1 -timeout 20m ./...

## unit: the tests that need no root
unit:
	$(GO) test -count=1 -short ./...

## fuzz: a longer, time-bounded fuzz of run's command line (FUZZTIME per
## target; the runtime one runs real containers, as root); make test runs
## only the seeds
FUZZTIME ?= 60s
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzRunFlags$$' -fuzztime $(FUZZTIME) ./cmd/little-container
	$(GO) test -run '^$$' -fuzz '^FuzzRunCLI$$' -fuzztime $(FUZZTIME) ./cmd/little-container

## verify: run the isolation suites against the runtime and print the matrix
verify:
	LC_REPORT_DIR=$(abspath $(REPORTS)) scripts/verify

## verify-vm: the same verification inside a cgroup v2 VM (Debian kernel under qemu)
verify-vm:
	scripts/vm-kernel
	LC_REPORT_DIR=$(abspath $(REPORTS))/vm scripts/verify-vm

## rootfs: a rootfs for interactive use: little-container run --rootfs rootfs sh
## (busybox-static; or UBUNTU_BASE=ubuntu-base-22.04-base-amd64.tar.gz you downloaded)
UBUNTU_BASE ?=
rootfs: rootfs/bin/sh
rootfs/bin/sh:
	scripts/mkrootfs rootfs $(UBUNTU_BASE)

## lint: gofmt, go vet and the workflow linter
lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...
	@if ls .github/workflows/*.yml >/dev/null 2>&1; then $(GO) run github.com/rhysd/actionlint/cmd/actionlint@v1.7.7; fi

clean:
	rm -rf $(BUILD) $(REPORTS)

## bench: start latency and throughput against crun, runc and bwrap (root)
bench: build rootfs
	$(GO) run ./bench -n 50
