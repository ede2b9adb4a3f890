# Faro: the two commands are `make run` and `make test`; `make bench` measures.
SHELL := /bin/bash
ROOT ?= $(CURDIR)/data
LISTEN ?= 0.0.0.0:8006
SWIFT ?= swift
# Release builds: the Swift runtime and Foundation linked in (no shared Swift libraries to map),
# optimised for size, and lld placing the code a running daemon uses together at the front
# (scripts/faro.order, written by scripts/link-order.py), so that the pages it maps are mostly
# code it runs. Relative relocations packed (DT_RELR) and no exported symbol table: the loader
# reads kilobytes instead of megabytes of them at start.
RELEASE_FLAGS = -c release --static-swift-stdlib -Xswiftc -use-ld=lld -Xswiftc -Osize -Xcc -ffunction-sections \
	-Xlinker -z -Xlinker pack-relative-relocs -Xlinker --no-export-dynamic \
	-Xlinker --symbol-ordering-file=$(CURDIR)/scripts/faro.order -Xlinker --no-warn-symbol-ordering

.PHONY: all deps build release run test bench format clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build $(RELEASE_FLAGS) --product faro

# FARO_BIN=path runs that binary instead of building a release one (tests/test_make_run.py).
run: $(if $(FARO_BIN),,release)
	@FARO_BIN="$(FARO_BIN)" scripts/run.sh "$(ROOT)" "$(LISTEN)"

test: deps
	$(SWIFT) build --build-tests
	# The integration tests drive real daemons, QEMU and lxc through blocking calls, which hold
	# threads of Swift's cooperative pool (one per core); run apart, they cannot starve the
	# timing-sensitive unit tests (subprocess and agent timeouts, lock leases, terminal hang-up).
	# The same goes for the API tests (170 in-process nodes, containers, QEMU, btrfs) and the
	# tests that run real etcd members: each group runs in a process of its own.
	$(SWIFT) test --skip-build --skip FaroAPITests --skip FaroIntegrationTests --skip FaroEtcdTests --skip FaroClusterTests
	$(SWIFT) test --skip-build --filter FaroAPITests
	$(SWIFT) test --skip-build --filter 'FaroEtcdTests|FaroClusterTests'
	$(SWIFT) test --skip-build --filter FaroIntegrationTests
	python3 tests/check_openapi.py .build/debug/faro
	python3 -m pytest -q tests

bench: deps
	@scripts/install-deps.sh --bench
	$(SWIFT) build $(RELEASE_FLAGS)
	@scripts/bench.sh
	@python3 scripts/bench-params.py
	# The API fuzzer of `make test` with a budget fifteen times larger.
	FARO_FUZZ_EXAMPLES=60 FARO_BIN=$(CURDIR)/.build/release/faro python3 -m pytest -q tests/test_fuzz.py
	@scripts/bench-vm.sh
	@scripts/bench-lxc.sh
	@scripts/bench-metrics.sh
	@scripts/bench-backup.sh
	@scripts/bench-cluster.sh

format:
	$(SWIFT) format --in-place --recursive Sources Tests

clean:
	rm -rf .build
