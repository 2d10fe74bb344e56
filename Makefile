# Fichive: `make run` serves the archive, `make test` runs every test.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-sqlite test-postgres bench lint setup install install-test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

setup: install
	$(BIN)/fichive setup

run: setup
	$(BIN)/fichive serve --host $(HOST) --port $(PORT)

# The whole suite on SQLite, then on PostgreSQL (FICHIVE_TEST_POSTGRES_URL, or a throwaway
# server started from Debian's binaries; skipped with a message when neither exists).
test: test-sqlite test-postgres

test-sqlite: install-test
	FICHIVE_TEST_DB=sqlite $(BIN)/python -m pytest $(PYTEST_ARGS)

test-postgres: install-test
	FICHIVE_TEST_DB=postgres $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check src tests
	$(BIN)/mypy

# Listing latency on a generated SQLite corpus: `make bench BENCH_WORKS=1000000`.
BENCH_WORKS ?= 100000
bench: install
	$(BIN)/python bench/listing.py --works $(BENCH_WORKS)

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
