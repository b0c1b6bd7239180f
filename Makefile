# Two commands matter: `make run` and `make test`. Everything installs into .venv.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install build run test lint typecheck unit expected clean

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
	$(BIN)/ruff check kg tests
	$(BIN)/ruff format --check kg tests

typecheck: install
	$(BIN)/mypy

unit: install
	$(BIN)/pytest -q

test: lint typecheck unit

expected: install
	$(BIN)/python tests/regen_expected.py

clean:
	rm -rf dist .dist-* .pytest_cache .mypy_cache .ruff_cache
