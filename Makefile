# The two commands of the README: `make run` and `make test`. Both install what they need first.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint messages

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

# Embedded default: SQLite under var/, tasks in-process, reference data (Stockholm 2018, Nacka 2022),
# demo users, Stockholm's demo year, Nacka's published 2022 replayed, and the follow-up cycle.
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_reference_data stockholm-2018
	$(PY) manage.py load_reference_data nacka-2022
	$(PY) manage.py load_demo_users
	$(PY) manage.py generate_demo_contacts --years 1 --per-district 600 --seed 1 --municipality 0180 --if-empty
	$(PY) manage.py generate_published_contacts nacka-2022 --seed 1 --if-empty
	$(PY) manage.py generate_demo_cycle --seed 1 --if-empty
	$(PY) manage.py runserver $(HOST):$(PORT)

# The whole suite; with DATABASE_URL and CELERY_BROKER_URL set it runs on PostgreSQL and Redis.
test: install
	$(VENV)/bin/pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

# Refresh the translation catalogue after changing user-facing strings (needs GNU gettext).
messages: install
	$(PY) manage.py makemessages --locale sv --ignore '.venv/*' --ignore 'var/*'
	$(PY) manage.py compilemessages --locale sv --ignore '.venv/*'
