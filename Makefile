# Two commands matter: `make run` and `make test`. Everything installs into .venv: `make run`
# only what building and serving need, `make test` (and `make install`) the dev extras too.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install install-runtime build run test lint typecheck unit expected clean bench bench-quick bench-suggest vendor

$(BIN)/.runtime-installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(BIN)/.installed: $(BIN)/.runtime-installed pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install-runtime: $(BIN)/.runtime-installed

install: $(BIN)/.installed

build: install-runtime
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

# Benchmarks on synthetic corpora (benchmarks/README.md): build steps, SHACL against pyshacl,
# rdflib against pyoxigraph, serving against oxigraph serve and rdflib-endpoint; writes
# benchmarks/results.json and benchmarks/RESULTS.md. Not run by CI. bench-quick (~15 min)
# leaves pyshacl to 200 drugs; bench takes hours (pyshacl alone ~20 min at 1,000 drugs).
# The `bench` extra brings the HTTP peers (oxigraph serve, rdflib-endpoint); installed once.
$(BIN)/.bench-installed: $(BIN)/.installed pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $@

bench-quick: $(BIN)/.bench-installed
	$(BIN)/python benchmarks/run.py --sizes 200,1000 --pyshacl-max 200

bench: $(BIN)/.bench-installed
	$(BIN)/python benchmarks/run.py --sizes 1000,10000,50000

# Adverse-reaction suggester: 5-fold CV by label on data/external/tac2017/train.json (nested
# threshold choice), baseline, P/R curve, errors, timing; writes benchmarks/suggest/RESULTS.md and
# results.json (~3 min on 2 cores).
bench-suggest: install
	$(BIN)/python -m benchmarks.suggest

# Re-vendor the browser libraries (editor, pictures, API docs) from npm into
# kg/api/static/vendor/ (tools/vendor/README.md). Needs node and npm; neither `make run` nor
# `make test` does: the built files are committed. Install scripts are never run.
vendor:
	cd tools/vendor && npm ci --ignore-scripts --no-audit --no-fund && node build.mjs

expected: install
	$(BIN)/python tests/regen_expected.py

clean:
	rm -rf dist .dist-* .pytest_cache .mypy_cache .ruff_cache
