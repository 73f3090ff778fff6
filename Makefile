# Build, test, demo and benchmark entry points. Run as root on a Debian-like
# machine with Go installed; missing Debian packages are installed on demand.

SHELL := /bin/bash
GO ?= go
export CGO_ENABLED := 1

MODULE := $(shell $(GO) list -m 2>/dev/null)
# Build tags: "seccomp" selects the real seccomp support where a package gates it.
BUILDTAGS ?= seccomp
# The busybox rootfs that tests and the demo use (scripts/mkrootfs.sh).
ROOTFS := $(CURDIR)/.cache/rootfs
# Tests find the rootfs through this variable.
export LIBCONTAINER_TEST_ROOTFS := $(ROOTFS)
TEST_TIMEOUT ?= 25m
# Packages "make test" covers; e.g. make test PKGS=./cgroups/...
PKGS ?= ./...
# The race pass covers every package except the module root, integration/ and
# cmd/, whose tests start whole containers (slow under the race detector).
RACE_PKGS = $(shell $(GO) list $(PKGS) 2>/dev/null | grep -v -x -e '$(MODULE)' -e '$(MODULE)/integration' -e '$(MODULE)/cmd/.*')
BENCH_N ?= 50

.PHONY: all build deps rootfs demo test race-pkgs bench lint qemu-cgroupv2 clean

all: build

## build: compile every package and the commands into bin/
build:
	$(GO) build -tags '$(BUILDTAGS)' ./...
	$(GO) build -tags '$(BUILDTAGS)' -o bin/nsinit ./cmd/nsinit
	$(GO) build -tags '$(BUILDTAGS)' -o bin/lcbench ./cmd/lcbench

## deps: install missing Debian packages needed to build and test
deps:
	@scripts/deps.sh

## rootfs: build (or refresh) the busybox test rootfs in .cache/rootfs
rootfs:
	@scripts/mkrootfs.sh "$(ROOTFS)"

# Rebuilt when missing or older than the script that makes it.
$(ROOTFS)/bin/busybox: scripts/mkrootfs.sh
	@scripts/mkrootfs.sh "$(ROOTFS)" >/dev/null
	@touch "$@"

bin/nsinit: FORCE
	$(GO) build -tags '$(BUILDTAGS)' -o $@ ./cmd/nsinit

## demo: run a real container with nsinit in a throw-away directory
demo: deps rootfs bin/nsinit
	@set -euo pipefail; \
	dir=$$(mktemp -d /tmp/demo-XXXXXX); \
	trap 'rm -rf "$$dir"' EXIT; \
	cp -a "$(ROOTFS)" "$$dir/rootfs"; \
	cd "$$dir"; \
	echo "+ cd $$dir && nsinit spec"; \
	"$(CURDIR)/bin/nsinit" spec; \
	echo "+ nsinit run sh -c 'echo hello from \$$(hostname); id; ls /'"; \
	"$(CURDIR)/bin/nsinit" run sh -c 'echo hello from $$(hostname); id; ls /'

## test: the whole suite (real namespaces, cgroups and mounts need root),
## then the race detector over every package but the container-spawning ones
test: deps $(ROOTFS)/bin/busybox
	@if [ "$$(id -u)" -ne 0 ]; then echo "make test: not root: tests that need root will be skipped" >&2; fi
	$(GO) test -tags '$(BUILDTAGS)' -count=1 -timeout $(TEST_TIMEOUT) $(PKGS)
	@pkgs="$(RACE_PKGS)"; \
	if [ -z "$$pkgs" ]; then echo "make test: no packages for the race pass in $(PKGS); skipped"; exit 0; fi; \
	echo "$(GO) test -tags '$(BUILDTAGS)' -race -count=1 -timeout $(TEST_TIMEOUT) <race-pkgs>"; \
	$(GO) test -tags '$(BUILDTAGS)' -race -count=1 -timeout $(TEST_TIMEOUT) $$pkgs

## race-pkgs: list the packages the race pass of "make test" covers
race-pkgs:
	@echo $(RACE_PKGS) | tr ' ' '\n'

## bench: compare a container lifecycle against runc and crun
bench:
	bench/compare.sh -n $(BENCH_N)

## lint: gofmt, go vet, and staticcheck when installed
lint:
	@out=$$(gofmt -l .); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet -tags '$(BUILDTAGS)' ./...
	@if command -v staticcheck >/dev/null 2>&1; then \
		echo "staticcheck -tags '$(BUILDTAGS)' ./..."; staticcheck -tags '$(BUILDTAGS)' ./...; \
	else echo "staticcheck not installed; skipped"; fi

## qemu-cgroupv2: boot Debian's kernel under qemu with only cgroup v2 and run
## the ./cgroups/... tests and the TestCgroups* integration tests there (slow:
## not part of "make test"; see scripts/qemu-cgroupv2.sh for its settings)
qemu-cgroupv2:
	@GO='$(GO)' BUILDTAGS='$(BUILDTAGS)' scripts/qemu-cgroupv2.sh

## clean: remove build outputs and the cached rootfs
clean:
	rm -rf bin .cache

FORCE:
