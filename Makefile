# walton: every command a user or CI needs. `make test` and `make node` set everything up first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
XDIST  := -n 2 --dist loadgroup

.PHONY: install test conformance bench lint format clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,lint]'
	touch $(STAMP)

install: $(STAMP)

## The default suite: unit tests, Gwtc vectors, and a fixed sample of Ethereum's fixtures.
test: install
	$(BIN)/pytest $(XDIST) -q

## Every Ethereum fixture case (state, blockchain and transaction tests), not only the sample.
conformance: install
	WALTON_CONFORMANCE=full $(BIN)/pytest $(XDIST) -q tests/conformance

bench: install
	$(BIN)/python benchmarks/statetests.py

lint: install
	$(BIN)/ruff check walton tests benchmarks
	$(BIN)/ruff format --check walton tests benchmarks
	$(BIN)/mypy

format: install
	$(BIN)/ruff format walton tests benchmarks
	$(BIN)/ruff check --fix walton tests benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
