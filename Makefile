# Two commands matter: `make run` and `make test`. Everything installs into .venv.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install build run test lint typecheck unit expected clean bench bench-quick

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

build: install
	$(BIN)/kg build --out dist

run: build
	$(BIN)/kg serve --host $(HOST) --port $(PORT) --release dist

lint: install
	$(BIN)/ruff check kg tests benchmarks
	$(BIN)/ruff format --check kg tests benchmarks

typecheck: install
	$(BIN)/mypy

unit: install
	$(BIN)/pytest -q

test: lint typecheck unit

# Build benchmark on synthetic corpora (benchmarks/README.md); writes benchmarks/results.json
# and benchmarks/RESULTS.md. The full one takes long and is not run by CI.
# The `bench` extra brings the HTTP peers (oxigraph serve, rdflib-endpoint); installed once.
$(BIN)/.bench-installed: $(BIN)/.installed pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $@

bench-quick: $(BIN)/.bench-installed
	$(BIN)/python benchmarks/run.py --sizes 200,1000

bench: $(BIN)/.bench-installed
	$(BIN)/python benchmarks/run.py --sizes 1000,10000,50000

expected: install
	$(BIN)/python tests/regen_expected.py

clean:
	rm -rf dist .dist-* .pytest_cache .mypy_cache .ruff_cache
