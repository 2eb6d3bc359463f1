# The README's two commands: `make run` and `make test`.
#
# Each sets up on first use and is quick when nothing has changed since:
#   1. packaging/system_libs.py python     python3 can make a venv (Debian: python3.X-venv)
#   2. .venv, and the project installed into it in editable mode with its test
#      extra; redone only when pyproject.toml changes (stamp: .venv/.installed)
#   3. packaging/system_libs.py offscreen  (test) or window (run): the system
#      libraries Qt needs, checked with dpkg-query and ldd on every run (<0.1 s),
#      installed with apt-get on Debian as root, named for you elsewhere
# `make PYTHON=python3.12 test` picks the interpreter the venv is made from.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
SYSTEM_LIBS := $(PYTHON) packaging/system_libs.py
# The Qt checks run on every make, so they start the venv's interpreter directly
# (the same binary as $(PYTHON), minus any pyenv shim) with -I -S: standard
# library only, as under the system python3, in about half the time.
QT_LIBS := $(BIN)/python -I -S packaging/system_libs.py
BENCH_ARGS ?=

.PHONY: run test check lint typecheck layers pytest setup setup-window bench bench-startup \
	bench-indicators bench-minutes bench-actions bench-printing clean

run: setup-window
	$(BIN)/qpmr-desktop --demo

# setup comes first so that a fresh machine is ready before any check starts;
# each check also names what it needs, so it can be run on its own.
test: setup lint typecheck layers pytest

check: lint typecheck layers pytest

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(INSTALLED)
	$(BIN)/mypy

layers: $(INSTALLED)
	$(BIN)/lint-imports

pytest: setup
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest

setup: $(INSTALLED)
	@$(QT_LIBS) offscreen --venv $(VENV)

setup-window: $(INSTALLED)
	@$(QT_LIBS) window --venv $(VENV)

# A venv without a working pip (Debian's venv half-made before python3-venv was
# installed, or one whose interpreter has since gone) is made again from scratch.
$(INSTALLED): pyproject.toml
	@$(SYSTEM_LIBS) python
	@$(BIN)/python -c 'import pip' 2>/dev/null || $(PYTHON) -m venv --clear $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@

# On demand only, never part of `make test`: `make bench` runs every benchmark,
# `make bench-startup`, `make bench-indicators`, `make bench-minutes`,
# `make bench-actions` or `make bench-printing` one.
# BENCH_ARGS goes to each, so give `make bench` only options they all share
# (--runs, --warmup, --strict): `make bench BENCH_ARGS='--runs 9'`,
# `make bench-indicators BENCH_ARGS='--indicators 2000'`,
# `make bench-minutes BENCH_ARGS='--meetings 500'`.
bench: bench-startup bench-indicators bench-minutes bench-actions bench-printing

bench-startup: setup
	QT_QPA_PLATFORM=offscreen $(BIN)/python tests/benchmarks/bench_startup.py $(BENCH_ARGS)

bench-indicators: setup
	QT_QPA_PLATFORM=offscreen $(BIN)/python tests/benchmarks/bench_indicators.py $(BENCH_ARGS)

bench-minutes: setup
	QT_QPA_PLATFORM=offscreen $(BIN)/python tests/benchmarks/bench_minutes.py $(BENCH_ARGS)

bench-actions: setup
	QT_QPA_PLATFORM=offscreen $(BIN)/python tests/benchmarks/bench_actions.py $(BENCH_ARGS)

bench-printing: setup
	QT_QPA_PLATFORM=offscreen $(BIN)/python tests/benchmarks/bench_printing.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build dist *.egg-info
