# Two commands set up everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: run install dev test lint fmt golden clean

run: install  ## install into .venv and list the bundled seeds
	$(BIN)/precarious list

install: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV) && $(BIN)/pip install -q -e . && touch $@

dev: $(VENV)/.dev
$(VENV)/.dev: pyproject.toml
	$(PYTHON) -m venv $(VENV) && $(BIN)/pip install -q -e '.[dev]' && touch $@ $(VENV)/.installed

test: dev  ## the whole suite
	$(BIN)/pytest

lint: dev  ## ruff and mypy, as CI runs them
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/mypy

fmt: dev
	$(BIN)/ruff check --fix . && $(BIN)/ruff format .

golden: dev  ## rewrite tests/golden from the current code, then read the diff
	$(BIN)/python -m tests.regen_golden

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
