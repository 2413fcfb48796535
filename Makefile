# Dakghar: every command a person or CI needs. `make help` lists them.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000

# Tests run against the components production uses.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/dakghar
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0
TEST_ENV := DEBUG=0 SECRET_KEY=test-secret-key-not-for-production-0123456789abcdefghijklmnop \
	SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0 SMS_BACKEND=console STATIC_MANIFEST=0 \
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL)

.DEFAULT_GOAL := help
.PHONY: help venv run setup test test-fast e2e lint fmt messages translations bench check-deploy clean

help: ## List the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@test -f .env || printf '# Development checkout (made by make). The environment wins over this file;\n# production sets DEBUG=0 and a real SECRET_KEY there.\nDEBUG=1\n' > .env
	@touch $@

venv: $(VENV)/.installed ## Create .venv and install pinned requirements

translations: venv ## Compile the Hindi catalogues (.po -> .mo)
	@DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv --verbosity 0

setup: venv translations ## Migrate and load demo data (safe to repeat)
	@DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --noinput --verbosity 1
	@DEBUG=$${DEBUG:-1} $(PY) manage.py seed_demo

run: setup ## Set everything up and start web, Celery worker and beat (embedded default)
	@echo ""
	@echo "  Dakghar is starting at http://$(HOST):$(PORT)/   (stop with Ctrl+C)"
	@echo "  Sign in with a demo login listed above; password: $${DEMO_PASSWORD:-dakghar-demo}"
	@echo ""
	DEBUG=$${DEBUG:-1} HOST=$(HOST) PORT=$(PORT) $(VENV)/bin/honcho start

test: venv translations ## Run the whole suite against PostgreSQL and Redis
	$(TEST_ENV) $(PY) -m pytest -q $(PYTEST_ARGS)

e2e: venv translations ## Only the browser tests
	$(TEST_ENV) $(PY) -m pytest -q -m e2e $(PYTEST_ARGS)

lint: venv ## ruff (lint + format check) and the import-linter contracts
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

fmt: venv ## Format and auto-fix
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

messages: venv ## Refresh locale/hi from the source (then translate the new entries)
	@touch locale/.lock
	DEBUG=1 flock locale/.lock $(PY) manage.py makemessages -l hi --ignore=.venv --ignore=var --ignore=tests --ignore=scripts --no-obsolete
	@$(PY) scripts/po_translate.py --missing | wc -l | xargs echo "untranslated entries:"

check-deploy: venv ## Django's deployment checklist with production-like values
	DEBUG=0 SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))') ALLOWED_HOSTS=dakghar.example.in \
		$(PY) manage.py check --deploy --fail-level WARNING

bench: venv ## Benchmarks under tests/load (see docs/benchmarks.md)
	$(TEST_ENV) $(PY) -m pytest -q -p no:randomly tests/load $(PYTEST_ARGS)

clean: ## Remove the embedded database, broker files and compiled catalogues
	rm -rf var/*.sqlite3* var/broker var/celerybeat-schedule* locale/*/LC_MESSAGES/*.mo
