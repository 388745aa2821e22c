# Two commands for a fresh machine:
#   make demo   set up .venv with the pinned dependencies, write the example reports, then migrate,
#               load the fictional demo data and serve the platform on http://127.0.0.1:8000
#   make test   set up the same way plus dev tools, run ruff, mypy and pytest
#
# How the install stays the same on every machine (docs/adr/0001-pinned-installer.md):
#   1. `python3 -m venv` makes .venv with whatever pip the interpreter bundles; that pip only installs
#      requirements/bootstrap.txt (pip, setuptools, wheel: exact versions, hash-checked, no resolving).
#   2. The pinned pip installs requirements/run.txt (and dev.txt) with --require-hashes --no-deps: every
#      package, extras' dependencies included, is in the lock, so nothing is resolved and nothing published
#      after the lock can enter; `pip check` then proves the lock is complete.
#   3. redline itself is installed editable with --no-build-isolation, built by the pinned setuptools; that
#      also compiles the C log scanner (setup.py ext_modules) in place with this machine's compiler, and goes
#      on without it (pure-Python path) where there is none.
# `make lock` regenerates the lock files with uv, resolving only releases published before
# requirements/lock-date (bump that date to take newer releases); running it twice gives the same files.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
LOCK_DATE := $(shell cat requirements/lock-date)
PIP    := $(BIN)/python -m pip --disable-pip-version-check --no-input
PINNED := install --quiet --quiet --require-hashes --no-deps --no-build-isolation

.PHONY: demo test lint typecheck clean system-deps demo-deps lock browser-tools

$(VENV)/.bootstrapped: requirements/bootstrap.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "installer bundled with the interpreter: $$($(PIP) --version)"
	$(PIP) install --quiet --require-hashes --no-deps -r requirements/bootstrap.txt
	@echo "pinned installer: $$($(PIP) --version)"
	touch $@

$(VENV)/.run-installed: requirements/run.txt pyproject.toml setup.py src/redline/probes/log_retention/_scan.c \
                         src/redline/probes/aigc/_markers.c src/redline/probes/content_screen/_fast.c \
                         $(VENV)/.bootstrapped
	$(PIP) $(PINNED) -r requirements/run.txt
	$(PIP) install --quiet --no-deps --no-build-isolation -e .
	$(PIP) check
	touch $@

$(VENV)/.dev-installed: requirements/dev.txt $(VENV)/.run-installed
	$(PIP) $(PINNED) -r requirements/dev.txt
	$(PIP) check
	touch $@

demo-deps:
	bash scripts/system-deps.sh demo

demo: demo-deps $(VENV)/.run-installed
	$(BIN)/python examples/run_demo.py
	$(BIN)/redline demo --host 127.0.0.1 --port 8000

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check src tests bench examples
	$(BIN)/ruff format --check src tests bench examples
	$(BIN)/lint-imports

typecheck: $(VENV)/.dev-installed
	$(BIN)/mypy

system-deps:
	bash scripts/system-deps.sh test

# axe-core for the accessibility test, exactly as tests/browser-tools/package-lock.json pins it (integrity
# hashes checked by npm ci; no package's install scripts run).
BROWSER_TOOLS := tests/browser-tools
$(BROWSER_TOOLS)/node_modules/.package-lock.json: $(BROWSER_TOOLS)/package-lock.json $(BROWSER_TOOLS)/package.json
	@command -v npm >/dev/null || { echo "npm is missing (apt-get install nodejs npm): the accessibility tests will skip"; exit 0; }; \
	cd $(BROWSER_TOOLS) && npm ci --ignore-scripts --no-audit --no-fund

browser-tools: $(BROWSER_TOOLS)/node_modules/.package-lock.json

# Two test processes (a module's tests stay together, with its servers and databases): the e2e tier
# waits on servers and subprocesses more than it computes.
test: system-deps browser-tools lint typecheck
	$(BIN)/redline rules lint
	$(BIN)/python -m pytest -n 2 --dist loadfile

$(VENV)/.lock-tools: requirements/lock-tools.txt $(VENV)/.bootstrapped
	$(PIP) $(PINNED) -r requirements/lock-tools.txt
	touch $@

UV_COMPILE = $(BIN)/uv pip compile --quiet --generate-hashes --universal --python-version 3.11 \
             --exclude-newer $(LOCK_DATE) --custom-compile-command "make lock"

lock: $(VENV)/.lock-tools
	$(UV_COMPILE) requirements/bootstrap.in -o requirements/bootstrap.txt
	$(UV_COMPILE) requirements/lock-tools.in -o requirements/lock-tools.txt
	$(UV_COMPILE) pyproject.toml -o requirements/run.txt
	$(UV_COMPILE) pyproject.toml --extra dev -o requirements/dev.txt

clean:
	rm -rf $(VENV) var out
