# Two commands for a fresh machine:
#   make demo   set up .venv with the pinned dependencies, write the example reports, then migrate,
#               load the fictional demo data and serve the platform on http://127.0.0.1:8000
#   make test   set up the same way plus dev tools, run ruff, mypy and pytest
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test lint typecheck clean system-deps

$(VENV)/.run-installed: requirements/run.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/run.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

$(VENV)/.dev-installed: requirements/dev.txt $(VENV)/.run-installed
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.txt
	touch $@

demo: $(VENV)/.run-installed
	$(BIN)/python examples/run_demo.py
	$(BIN)/redline demo --host 127.0.0.1 --port 8000

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check src tests bench examples

typecheck: $(VENV)/.dev-installed
	$(BIN)/mypy

system-deps:
	bash scripts/system-deps.sh

test: system-deps lint typecheck
	$(BIN)/redline rules lint
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) var out
