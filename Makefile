# Two commands set up everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

FUZZ_SECONDS ?= 120

.PHONY: run install dev test lint fmt golden fuzz faults bench bench-instructions clean

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

fuzz: dev  ## the properties with many examples, then atheris for FUZZ_SECONDS (not in `make test`)
	$(BIN)/pip install -q -e '.[dev,fuzz]'
	HYPOTHESIS_PROFILE=fuzz $(BIN)/pytest -q -p no:cacheprovider tests/test_properties.py tests/test_regressions.py
	rm -rf .fuzz && mkdir -p .fuzz/corpus .fuzz/crashes
	cp seeds/*.txt tests/fixtures/pages/*.txt tests/fixtures/other/*.txt .fuzz/corpus/
	$(BIN)/python -m tests.fuzz_atheris -max_total_time=$(FUZZ_SECONDS) -timeout=20 \
		-artifact_prefix=.fuzz/crashes/ .fuzz/corpus
	@echo "fuzz: nothing found (a crash would be in .fuzz/crashes/: copy it to tests/fixtures/crashes/)"

faults: dev  ## the slow fault tests: signals with workers, memory limits (not in `make test`)
	$(BIN)/pytest -m faults tests/test_faults.py

bench: install  ## generate 10k and 100k pages, measure against this machine's floors (not a test)
	$(BIN)/python -m benchmarks.bench

bench-instructions: install  ## instructions a page (callgrind) on a fixed 1,000-page corpus
	$(BIN)/python -m benchmarks.instructions

golden: dev  ## rewrite tests/golden from the current code, then read the diff
	$(BIN)/python -m tests.regen_golden

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache .fuzz .bench
