# Everyday commands. Only `python3` (3.11+) is needed: the first run creates .venv.
#   make demo    the example news site on http://127.0.0.1:8000/
#   make test    the whole test suite (SQLite; DATABASE_URL / CACHE_URL pick real servers)
#   make lint    ruff check + ruff format --check (make ruff) and mypy on the package (make mypy)
#   make docs    the Sphinx docs, warnings as errors
#   make bench   benchmark figures
#   make messages  refresh the translation catalogues

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --quiet
# Stamps: an install reruns only when pyproject.toml changed (or the venv is new).
STAMP := $(VENV)/.stamp
PYTEST_ARGS ?= -q
# Where `make demo` serves; `make demo DEMO_ADDR=127.0.0.1:8765` when port 8000 is taken.
DEMO_ADDR ?= 127.0.0.1:8000

.DEFAULT_GOAL := help
.PHONY: help demo test lint ruff mypy docs bench messages install-e2e clean

help:
	@echo "make demo | test | lint | docs | bench | messages"

$(PY):
	$(PYTHON) -m venv $(VENV)

# Installs the project (editable) plus one dependency group of pyproject.toml.
# `pip install --group` needs pip >= 25.1, newer than the pip a Python 3.11 venv starts with.
$(STAMP)-%: pyproject.toml | $(PY)
	$(PIP) install --upgrade "pip>=25.1"
	$(PIP) install -e . --group $*
	@touch $@

# The example site needs django-environ on top of the project itself.
$(STAMP)-demo: pyproject.toml | $(PY)
	$(PIP) install -e . "django-environ>=0.11"
	@touch $@

install-e2e: $(STAMP)-e2e

demo: $(STAMP)-demo
	$(PY) example_project/manage.py migrate --no-input
	$(PY) example_project/manage.py load_demo
	$(PY) example_project/manage.py runserver $(DEMO_ADDR)

test: $(STAMP)-test
	$(PY) -m pytest $(PYTEST_ARGS)

# Every check runs even when an earlier one fails, so one run reports everything.
lint: $(STAMP)-lint
	@status=0; \
	$(MAKE) --no-print-directory ruff || status=1; \
	$(MAKE) --no-print-directory mypy || status=1; \
	exit $$status

ruff: $(STAMP)-lint
	@status=0; \
	$(VENV)/bin/ruff check . || status=1; \
	$(VENV)/bin/ruff format --check . || status=1; \
	exit $$status

# The settings in pyproject.toml ([tool.mypy], [tool.django-stubs]) load tests.settings.
mypy: $(STAMP)-lint
	$(VENV)/bin/mypy comments_plugin

docs: $(STAMP)-docs
	$(VENV)/bin/sphinx-build -W --keep-going -q -b html docs docs/_build/html

bench: $(STAMP)-test
	$(PY) benchmarks/peers.py

messages: $(STAMP)-test
	cd comments_plugin && PYTHONPATH=$(CURDIR) DJANGO_SETTINGS_MODULE=tests.settings \
		$(CURDIR)/$(PY) -m django makemessages --locale en --no-obsolete
	cd comments_plugin && PYTHONPATH=$(CURDIR) DJANGO_SETTINGS_MODULE=tests.settings \
		$(CURDIR)/$(PY) -m django compilemessages

clean:
	rm -rf docs/_build .nox
