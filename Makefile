# walton: every command a user or CI needs. `make test` and `make node` set everything up first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
XDIST  := -n 2 --dist loadgroup

.PHONY: install node test test-long conformance bench lint format clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,lint]'
	touch $(STAMP)

install: $(STAMP)

## The main job: a dev node (IoT fork, prefunded dev accounts, WPoC mining) on RocksDB, JSON-RPC on 127.0.0.1:8545.
node: install
	$(BIN)/walton node --dev

## The default suite: unit tests, Gwtc vectors, and a fixed sample of Ethereum's fixtures.
test: install
	$(BIN)/pytest $(XDIST) -q

## The default suite plus the long runs: 50+ SIGKILLs of a mining node, every fixture case.
test-long: install
	WALTON_LONG=1 WALTON_CONFORMANCE=full $(BIN)/pytest $(XDIST) -q

## Every Ethereum fixture case (state, blockchain and transaction tests), not only the sample.
conformance: install
	WALTON_CONFORMANCE=full $(BIN)/pytest $(XDIST) -q tests/conformance

## Speed, as ratios against a baseline measured in the same run (stock py-evm where one exists).
bench: install
	$(BIN)/python -m benchmarks.statetests
	$(BIN)/python -m benchmarks.gwtc
	$(BIN)/python -m benchmarks.node
	$(BIN)/python -m benchmarks.p2p_wire
	$(BIN)/python -m benchmarks.p2p
	$(BIN)/python -m benchmarks.hardware
	$(BIN)/python -m benchmarks.devices
	$(BIN)/python -m benchmarks.sidechains

lint: install
	$(BIN)/ruff check walton tests benchmarks
	$(BIN)/ruff format --check walton tests benchmarks
	$(BIN)/mypy

format: install
	$(BIN)/ruff format walton tests benchmarks
	$(BIN)/ruff check --fix walton tests benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
