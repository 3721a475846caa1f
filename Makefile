# Kvota — the two commands of the README, and a few helpers.
#   make run   set up and run the whole system on the embedded default (SQLite, no Redis)
#   make test  set up and run the whole test suite
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
PYTHON ?= python3
# This machine's pip configuration names local package folders that may not exist; hide only that noise.
PIP_QUIET := 2>&1 | { grep -v "is ignored: it is neither a file nor a directory" || true; }
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1
PYTEST_ARGS ?=
# The embedded demo: DEBUG on (demo logins exist only then), SQLite and the filesystem broker under var/.
DEMO_ENV := DEBUG=1

.PHONY: run setup test lint migrations-check messages-check makemessages clean

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt $(PIP_QUIET)
	$(PY) -c "import django, rest_framework, celery"
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt $(PIP_QUIET)
	$(PY) -c "import pytest, pytest_django"
	touch $@

setup: $(VENV)/.runtime
	mkdir -p var/celery/queue var/celery/control
	$(DEMO_ENV) $(PY) manage.py migrate --noinput
	$(DEMO_ENV) $(PY) manage.py compile_translations
	$(DEMO_ENV) $(PY) manage.py load_reference_data
	$(DEMO_ENV) $(PY) manage.py load_labour_force
	$(DEMO_ENV) $(PY) manage.py seed_demo_data
	$(DEMO_ENV) $(PY) manage.py setup_periodic_tasks

run: setup
	@echo ""
	@echo "  Kvota is starting at  http://$(HOST):$(PORT)/   (API docs: http://$(HOST):$(PORT)/api/docs/)"
	@$(DEMO_ENV) $(PY) -c "from common.demo import DEMO_USERS, DEMO_PASSWORD; print('  Demo logins:', ', '.join(u['username'] for u in DEMO_USERS), ' password:', DEMO_PASSWORD)"
	@echo "  Web, Celery worker and Celery beat run together; Ctrl-C stops all three."
	@echo ""
	$(DEMO_ENV) KVOTA_HOST=$(HOST) KVOTA_PORT=$(PORT) PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/honcho -f Procfile.dev start

test: $(VENV)/.dev
	mkdir -p var
	$(PY) manage.py compile_translations --settings=config.settings_test
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .

migrations-check: $(VENV)/.dev
	$(PY) manage.py makemigrations --check --dry-run --settings=config.settings_test

messages-check:
	for po in locale/*/LC_MESSAGES/*.po; do msgfmt --check --output-file=/dev/null "$$po" || exit 1; done

makemessages: $(VENV)/.dev
	$(DEMO_ENV) $(PY) manage.py makemessages --locale kk --locale ru --no-obsolete --ignore ".venv/*" --ignore "var/*"

clean:
	rm -rf var test-artefacts
