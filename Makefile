# Two commands: `make run` (install, migrate, demo data, serve) and `make test` (install, lint, both databases).
# Everything is installed by the targets below; running them again reuses what is there.

SHELL := /bin/bash
PYTHON ?= /usr/bin/python3
VENV := .venv
BIN := $(VENV)/bin
STATIC := tracker/static
GOVUK := node_modules/govuk-frontend/dist/govuk
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := wsgi

APT_RUN := python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-liberation2
APT_TEST := chromium poppler-utils postgresql-15
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test install install-test assets lint bench clean system-packages system-test-packages

run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask demo load --if-empty
	$(BIN)/python -m tracker.devserver --host $(HOST) --port $(PORT)

test: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/bandit -q -r tracker
	$(BIN)/python -m pytest -p no:cacheprovider
	$(BIN)/python -m tests.postgres_cluster $(BIN)/python -m pytest -p no:cacheprovider

bench: install-test
	$(BIN)/python -m bench.run_all

# The runtime only (what a production host needs): Debian packages, Python and the committed GOV.UK Frontend
# assets. No Node, no browser, no test tools. The app's own modules are compiled to bytecode here, by whoever
# installs: the service's user cannot write __pycache__ in a release folder owned by root, and without it every
# start compiles them all again, about a fifth of a second (issue 17, start-up). Quick when nothing changed.
install: system-packages $(VENV)/.installed
	$(BIN)/python -m compileall -q tracker config.py wsgi.py

# Everything the tests need on top: the test tools, Node packages (axe-core, oidc-provider), Chromium, poppler, PostgreSQL.
install-test: install system-test-packages $(VENV)/.installed-dev node_modules/.installed

# Debian packages, installed only when one is missing (apt waits for a held dpkg lock instead of failing).
system-packages:
	@missing=$$(for p in $(APT_RUN); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages: $$missing"; \
	  $(SUDO) apt-get -o DPkg::Lock::Timeout=600 update -q && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends $$missing; \
	fi

system-test-packages:
	@missing=$$(for p in $(APT_TEST); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages: $$missing"; \
	  $(SUDO) apt-get -o DPkg::Lock::Timeout=600 update -q && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends $$missing; \
	fi

$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/pip install -q --disable-pip-version-check -c constraints.txt -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml constraints.txt
	$(BIN)/pip install -q --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	command -v npm >/dev/null || { $(SUDO) apt-get -o DPkg::Lock::Timeout=600 update -q && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends nodejs npm; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# GOV.UK Frontend's built CSS, JavaScript, fonts and images are committed in tracker/static (served at /assets), so
# a production host needs no Node. This build step refreshes them after package.json's govuk-frontend changes;
# tests/integration/test_static_assets.py fails while the committed copy differs from the installed package.
assets: node_modules/.installed
	cp $(GOVUK)/govuk-frontend.min.css $(GOVUK)/govuk-frontend.min.js $(STATIC)/
	rm -rf $(STATIC)/fonts $(STATIC)/images
	cp -r $(GOVUK)/assets/fonts $(GOVUK)/assets/images $(STATIC)/
	cp $(GOVUK)/assets/manifest.json $(STATIC)/
	node -p "require('govuk-frontend/package.json').version" > $(STATIC)/GOVUK_FRONTEND_VERSION

clean:
	rm -rf $(VENV) node_modules
