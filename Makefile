# daobot: `make demo`, `make test`, `make check`. Each target bootstraps what it needs, idempotently.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
VENV_STAMP := $(VENV)/.installed
NODE_STAMP := contracts/node_modules/.installed
PYTEST_ARGS ?=

.PHONY: demo test check bootstrap venv node chromium compile clean

bootstrap: venv node

venv: $(VENV_STAMP)
$(VENV_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip setuptools wheel
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

node: $(NODE_STAMP)
# `npm install` with the committed lock installs exactly the locked versions. (`npm ci` refuses this
# lock: the registry serves only linux-amd64 of anvil's per-platform optional packages, so the
# others are absent from the lock.)
$(NODE_STAMP): contracts/package.json contracts/package-lock.json
	cd contracts && npm install --no-audit --no-fund --loglevel=error
	touch $@

# Headless Chromium for the signing-page tests comes from Debian; installed when missing and root.
chromium:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null; \
	  else echo "chromium missing: install the Debian package 'chromium' to run the browser tests"; fi; \
	fi

compile: node
	cd contracts && npm run --silent compile

demo: bootstrap
	$(BIN)/daobot demo

test: bootstrap chromium
	$(BIN)/python -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)

check: venv
	$(BIN)/ruff check governance policies bot tests bench
	$(BIN)/mypy governance policies
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) contracts/node_modules .pytest_cache .mypy_cache .ruff_cache var
