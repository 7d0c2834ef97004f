# Techniekpact Match — entry points. `make run` and `make test` work on a fresh machine:
# they create .venv with a Python 3.12+ interpreter and install on first use.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

# Find a Python >= 3.12: $PYTHON, the version pinned in .python-version (pyenv), then python3.13/3.12/python3.
PYTHON_CANDIDATES := $(PYTHON) $(HOME)/.pyenv/versions/$(shell cat .python-version 2>/dev/null)/bin/python \
	/root/.pyenv/versions/$(shell cat .python-version 2>/dev/null)/bin/python \
	$(wildcard $(HOME)/.pyenv/versions/3.1[2-9]*/bin/python) python3.13 python3.12 python3
FIND_PYTHON = for c in $(PYTHON_CANDIDATES); do \
	  p=$$(command -v $$c 2>/dev/null) || continue; \
	  $$p -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null && { echo $$p; exit 0; }; \
	done; exit 1

.PHONY: help install run test test-fast lint format migrations-check check ci clean bench

help:
	@echo "make run    - migrate, seed the demo region and serve http://127.0.0.1:8000"
	@echo "make test   - run the whole test suite"
	@echo "make lint   - ruff check + ruff format --check + makemigrations --check"

$(STAMP): pyproject.toml
	@py=$$($(FIND_PYTHON)) || { echo "ERROR: Python 3.12 or newer is required (Django 6). Install it (e.g. 'pyenv install 3.12') or set PYTHON=/path/to/python3.12." >&2; exit 1; }; \
	 echo "Using $$py ($$($$py --version))"; \
	 if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)'; then rm -rf $(VENV); $$py -m venv $(VENV); fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "Serving on http://127.0.0.1:8000 (Ctrl-C stops)"
	$(PY) manage.py runserver 127.0.0.1:8000

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: $(STAMP)
	$(PY) manage.py makemessages -l nl -l en --no-location --ignore=.venv --ignore=static --ignore=bench --ignore=tests --ignore=scripts
	$(PY) manage.py compilemessages --ignore=.venv

bench: $(STAMP)  ## the benchmark suite on the national set in the local PostgreSQL/Redis → bench/RESULTS.md
	$(PY) bench/run_all.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache
