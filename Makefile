# little-container — make targets users type. Root is needed for everything
# that creates containers (test, verify) and to install (deps): those
# targets run through scripts/as-root, which asks sudo when the caller is
# not root, works without sudo in a root shell, and gives what root created
# in build/ and reports/ back to the checkout's owner.
SHELL := /bin/bash
export PATH := $(PATH):/usr/local/go/bin:$(HOME)/go/bin
GO      ?= go
BUILD   ?= build
REPORTS ?= reports
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
AS_ROOT := scripts/as-root

.PHONY: all deps deps-browser build test unit fuzz verify verify-vm rootfs lint clean bench bench-verify

all: build

## deps: install what is missing (busybox-static, qemu, the runtimes graded,
## the rootless tools) and prepare the VM kernel ($$LC_VM_KERNEL(S), else the default)
deps:
	$(AS_ROOT) scripts/deps

## deps-browser: a Chromium for the HTML report's browser test, when none is installed
deps-browser:
	$(AS_ROOT) scripts/deps --browser

## build: the runtime CLI and the static probe under build/
build:
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o $(BUILD)/little-container ./cmd/little-container
	CGO_ENABLED=0 $(GO) build -o $(BUILD)/probe ./cmd/probe

## test: vet, unit tests, end-to-end container tests and the suites against
## our runtime (as root); `make verify` grades the other runtimes too
test:
	$(GO) vet ./...
	$(AS_ROOT) env LC_TARGETS=little-container LC_REPORT_DIR=$(abspath $(REPORTS))/test $(GO) test -count=1 -timeout 20m ./...

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

## verify: run the isolation suites against every installed runtime and print
## the matrix (quiet; `scripts/verify -v` for every spec's evidence); each run
## gets reports/<timestamp>/, reports/latest points at the last
verify:
	$(AS_ROOT) env LC_REPORTS=$(abspath $(REPORTS)) scripts/verify

## verify-vm: the same verification inside VMs under qemu (no root needed):
## LC_VM_KERNEL (path, 6.1, 6.12) or LC_VM_KERNELS, LC_VM_CGROUP(S) v2 v1 hybrid
verify-vm:
	LC_BUILD_DIR=$(abspath $(BUILD)) LC_REPORT_DIR=$(abspath $(REPORTS))/vm scripts/verify-vm

## rootfs: a rootfs for interactive use: little-container run --rootfs rootfs sh
## (busybox-static; or UBUNTU_BASE=ubuntu-base-22.04-base-amd64.tar.gz you downloaded)
UBUNTU_BASE ?=
rootfs: rootfs/bin/sh
rootfs/bin/sh:
	scripts/mkrootfs rootfs $(UBUNTU_BASE)

## lint: gofmt, go vet, shellcheck of the scripts, and actionlint (which
## runs shellcheck on the workflow's run: steps)
SHELL_SCRIPTS = $$(git ls-files scripts .ci | xargs grep -l '^\#!/usr/bin/env bash')
lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...
	@command -v shellcheck >/dev/null || { echo "lint: shellcheck is not installed (Debian/Ubuntu: shellcheck)"; exit 1; }
	shellcheck $(SHELL_SCRIPTS)
	$(GO) run github.com/rhysd/actionlint/cmd/actionlint@v1.7.7 -shellcheck shellcheck

clean:
	rm -rf $(BUILD) $(REPORTS)

## bench-verify: wall time of `make verify` and of each suite, every target
## beside one target (the cost of the columns as a ratio)
bench-verify:
	scripts/bench-verify

## bench: start latency and throughput against crun, runc and bwrap (root)
bench: build rootfs
	$(GO) run ./bench -n 50
