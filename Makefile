# reliefjobs: `make run` to serve the demo, `make test` to run the suite.
# Everything a fresh machine needs (virtualenv, Python and npm packages,
# migrations, demo data) is set up here; nothing is installed by hand.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: browser-deps migrate run test test-calendar test-browser lint format migrations-check bench install messages collectstatic clean backup restore fuzz

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed

migrate: install
	$(PY) manage.py migrate --noinput -v 0

run: migrate
	$(PY) manage.py load_demo --if-empty
	$(PY) manage.py runserver $(HOST):$(PORT)

# Browser tests drive Debian's Chromium; install it when missing and we may.
browser-deps:
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing Debian chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	fi

test: install browser-deps
	$(PY) -m pytest $(PYTEST_ARGS)

# The date-sensitive tests (marked `calendar`, and the browser flows) on a chosen
# Jalali day: `make test-calendar DAY=1405/01/01`. faketime moves the whole
# process tree's clock (pytest, the live server, Chromium).
DAY ?= 1405/01/01
test-calendar: install browser-deps
	@command -v faketime >/dev/null || { echo "needs faketime (apt-get install faketime)"; exit 2; }
	instant="$$($(PY) -c "from reliefjobs.lib.jalali import parse_date; print(parse_date('$(DAY)'))") 10:00:00"; \
	faketime -f "@$$instant" $(PY) -m pytest -m calendar -p no:randomly $(PYTEST_ARGS)

test-browser: install
	$(PY) -m pytest -m browser $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

migrations-check: install
	$(PY) manage.py makemigrations --check --dry-run

messages: install
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules

collectstatic: install
	$(PY) manage.py collectstatic --noinput -v 0

# National-scale benchmark in its own database (bench-data/ or <name>_bench on
# PostgreSQL); needs wrk, installed here when missing and we may.
bench: install
	@if ! command -v wrk >/dev/null && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing wrk for the benchmark"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	fi
	$(PY) manage.py bench $(BENCH_ARGS)

# Backups of whichever database DATABASE_URL names (SQLite or PostgreSQL), as
# portable XML: `make backup` writes backups/reliefjobs-<time>.xml.gz;
# `make restore BACKUP=file` replaces ALL data with the file's (asks first).
BACKUP ?= backups/reliefjobs-$(shell date +%Y%m%d-%H%M%S).xml.gz
backup: install
	$(PY) manage.py backup_data $(BACKUP)

# A longer fuzz of the API against docs/openapi.yaml than the suite's bounded one.
FUZZ_EXAMPLES ?= 2000
fuzz: install
	RELIEFJOBS_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) -m pytest -p no:randomly tests/test_bad_input_api_fuzz.py -s $(PYTEST_ARGS)

restore: install
	@test -n "$(filter command line,$(origin BACKUP))" || { echo "usage: make restore BACKUP=backups/file.xml.gz"; exit 2; }
	$(PY) manage.py restore_data $(BACKUP)

clean:
	rm -rf $(VENV) node_modules staticfiles
