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

.PHONY: run test install install-test lint bench clean system-packages system-test-packages

run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask demo load --if-empty
	$(BIN)/python -m tracker.devserver --host $(HOST) --port $(PORT)

test: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/bandit -q -r tracker
	$(BIN)/python -m pytest -p no:cacheprovider
	$(BIN)/python -m tests.postgres_cluster $(BIN)/python -m pytest -p no:cacheprovider

bench: install-test
	$(BIN)/python -m bench.run_all

install: system-packages $(VENV)/.installed $(STATIC)/.installed

install-test: install system-test-packages

# Debian packages, installed only when one is missing (apt waits for a held dpkg lock instead of failing).
system-packages:
	@missing=$$(for p in $(APT_RUN); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	command -v npm >/dev/null || missing="$$missing nodejs npm"; \
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
	$(BIN)/pip install -q --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $@

# GOV.UK Frontend from npm (the version govuk-frontend-jinja supports), copied where Flask serves /assets.
$(STATIC)/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	cp $(GOVUK)/govuk-frontend.min.css $(GOVUK)/govuk-frontend.min.js $(STATIC)/
	cp -r $(GOVUK)/assets/fonts $(GOVUK)/assets/images $(STATIC)/
	cp $(GOVUK)/assets/manifest.json $(STATIC)/
	touch $@

clean:
	rm -rf $(VENV) node_modules $(STATIC)/.installed $(STATIC)/govuk-frontend.min.* $(STATIC)/fonts $(STATIC)/images $(STATIC)/manifest.json
