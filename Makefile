# The README's two commands: `make run` and `make test`.
# Each sets up on first use (system libraries Qt needs, .venv, the project in
# editable mode) and is quick when nothing has changed since.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: run test check lint typecheck layers pytest setup setup-window bench clean

run: setup-window
	$(BIN)/qpmr-desktop --demo

test: setup
	$(MAKE) --no-print-directory check

check: lint typecheck layers pytest

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck:
	$(BIN)/mypy

layers:
	$(BIN)/lint-imports

pytest:
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest

setup: $(INSTALLED)
	@$(PYTHON) packaging/system_libs.py offscreen --venv $(VENV)

setup-window: $(INSTALLED)
	@$(PYTHON) packaging/system_libs.py window --venv $(VENV)

$(INSTALLED): pyproject.toml
	@$(PYTHON) packaging/system_libs.py python
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@

bench: setup
	QT_QPA_PLATFORM=offscreen $(BIN)/python tests/benchmarks/bench_startup.py

clean:
	rm -rf $(VENV) build dist *.egg-info
