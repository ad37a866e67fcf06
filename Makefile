# Samspil — the two commands: `make demo` and `make test`. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FRONTEND_STAMP := frontend/node_modules/.installed
PYTEST_ARGS ?= -n 2 --dist loadfile

.PHONY: help setup demo serve test lint typecheck migrations-check openapi openapi-check messages \
        bench fuzz browsers clean

help:
	@echo "make demo   – set up and serve the demo district at http://127.0.0.1:8000"
	@echo "make test   – set up and run lint, type checks and the whole test suite"
	@echo "make bench  – run the benchmarks, results as JSON under var/bench/"
	@echo "make fuzz   – fuzz the API as six roles (schemathesis, random seed), var/bench/fuzz.json"

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || \
		{ echo "Samspil needs Python 3.11 or newer ($(PYTHON) is older)."; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.9
	@$(BIN)/uv pip sync --quiet -p $(BIN)/python requirements.lock
	@$(BIN)/uv pip install --quiet -p $(BIN)/python --no-deps -e .
	@touch $@

$(FRONTEND_STAMP): frontend/package.json frontend/package-lock.json
	@command -v npm >/dev/null || { echo "Node.js and npm are needed to build the front end (DKFDS): install nodejs and npm."; exit 1; }
	@cd frontend && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

messages: $(STAMP)
	@command -v msgfmt >/dev/null || { echo "GNU gettext (msgfmt) is needed to compile the Danish translation: install gettext."; exit 1; }
	@cd src/samspil && ../../$(BIN)/samspil compilemessages --verbosity 0

setup: $(STAMP) $(FRONTEND_STAMP) messages

demo: setup
	@$(BIN)/samspil migrate --noinput --verbosity 0
	@$(BIN)/samspil reference
	@$(BIN)/samspil collectstatic --noinput --verbosity 0
	@$(BIN)/samspil demo
	@echo "Åbn http://127.0.0.1:8000 og log ind med et af logins ovenfor (de står også i var/demo-logins.txt)."
	@$(BIN)/samspil serve

serve: setup
	@$(BIN)/samspil serve

lint: $(STAMP)
	@$(BIN)/ruff check src
	@$(BIN)/mypy

migrations-check: $(STAMP)
	@$(BIN)/samspil makemigrations --check --dry-run --verbosity 1

openapi: $(STAMP)
	@$(BIN)/samspil spectacular --lang en --file docs/openapi.yaml --validate --fail-on-warn

openapi-check: $(STAMP)
	@$(BIN)/samspil spectacular --lang en --file var/openapi.generated.yaml --validate --fail-on-warn
	@diff -u docs/openapi.yaml var/openapi.generated.yaml || \
		{ echo "docs/openapi.yaml is out of date: run 'make openapi' and commit it."; exit 1; }

# Browser tests drive Debian's Chromium; install it when missing and we may (CI runs as root).
browsers:
	@test -x /usr/bin/chromium || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing Chromium for the browser tests (Debian package)…"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else echo "The browser tests need Chromium at /usr/bin/chromium: sudo apt-get install chromium"; exit 1; fi; }

test: setup browsers lint migrations-check openapi-check
	@$(BIN)/samspil collectstatic --noinput --verbosity 0
	@$(BIN)/pytest $(PYTEST_ARGS)
	@$(BIN)/python -m samspil.operations.logcheck

bench: setup
	@$(BIN)/python -m samspil.bench

# API fuzzing (docs/SECURITY.md): the suite's fuzz test, larger and with a fresh random seed
# (printed, and written to var/bench/fuzz.json; FUZZ_SEED=n repeats a run).
FUZZ_EXAMPLES ?= 8
ifeq ($(origin FUZZ_SEED), undefined)
FUZZ_SEED := $(shell od -An -N4 -tu4 /dev/urandom | tr -d ' ')
endif
fuzz: setup
	@echo "API fuzzing: $(FUZZ_EXAMPLES) examples per operation and role, seed $(FUZZ_SEED)"
	@SAMSPIL_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) SAMSPIL_FUZZ_SEED=$(FUZZ_SEED) \
		SAMSPIL_FUZZ_RESULT=$${SAMSPIL_VAR_DIR:-var}/bench/fuzz.json \
		$(BIN)/pytest -n 0 -q -s src/samspil/web/tests/test_api_fuzz.py

clean:
	rm -rf $(VENV) frontend/node_modules var/static var/test.sqlite3
