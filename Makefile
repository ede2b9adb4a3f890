# Faro: the two commands are `make run` and `make test`; `make bench` measures.
SHELL := /bin/bash
ROOT ?= $(CURDIR)/data
LISTEN ?= 0.0.0.0:8006
SWIFT ?= swift

.PHONY: all deps build release run test bench format clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product faro

run: release
	@scripts/run.sh "$(ROOT)" "$(LISTEN)"

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	python3 tests/check_openapi.py .build/debug/faro
	python3 -m pytest -q tests

bench: deps
	@scripts/install-deps.sh --bench
	$(SWIFT) build -c release
	@scripts/bench.sh
	@scripts/bench-lxc.sh

format:
	$(SWIFT) format --in-place --recursive Sources Tests

clean:
	rm -rf .build
