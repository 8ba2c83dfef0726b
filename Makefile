# Portail PIC: the entry point. `make run` sets everything up and serves the portal;
# `make test` runs the whole test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEV_ENV := DJANGO_DEBUG=1

.PHONY: run setup test lint format check migrate demo messages clean bench bench-submit browser-tools

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is required")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

setup: $(STAMP)

migrate: setup
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput

demo: migrate
	$(DEV_ENV) $(BIN)/python manage.py load_reference_data
	$(DEV_ENV) $(BIN)/python manage.py seed_demo

run: demo
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

# The browser tools (axe-core, vnu-jar) come from package-lock.json: installed here when chromium and npm exist,
# so that a fresh clone's `make test` runs the browser journeys too (without them, they skip with the reason).
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

browser-tools:
	@if [ -x /usr/bin/chromium ] && command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory node_modules/.package-lock.json; \
	else echo "Browser journeys: chromium or npm missing, they will be skipped (see README)"; fi

test: setup browser-tools
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Benchmark on PostgreSQL, not part of `make test` (15-30 minutes): scales 1 and 5, one database each (pic_bench_s1, _s5),
# each created, migrated and loaded if missing; measures and writes bench/RESULTS.md (see bench/README.md).
# `make bench BENCH_ARGS=--fresh` drops the database first so the load data's generation is timed too.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/pic_bench

bench: setup
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/run_bench.py $(BENCH_ARGS)

# The submit click with the receipt built in the click (no broker) and by a Celery worker, side by side
# (PostgreSQL and Redis required; see bench/submit_click.py).
bench-submit: setup
	$(BIN)/python bench/submit_click.py $(BENCH_ARGS)

lint: setup
	$(BIN)/python -m ruff check .
	$(BIN)/python -m ruff format --check .
	$(BIN)/lint-imports

format: setup
	$(BIN)/python -m ruff format .
	$(BIN)/python -m ruff check --fix .

check: setup
	$(DEV_ENV) $(BIN)/python manage.py check
	$(DEV_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

# The French catalogue: gather the messages, give the plurals their two forms (core/catalogue.py), compile the .mo
# (GNU gettext's msgfmt needed here; the .mo is committed, so a fresh clone needs no msgfmt).
MESSAGES_IGNORE := --ignore=.venv --ignore=node_modules --ignore=tests --ignore=bench --ignore=staticfiles --ignore=test-artifacts
messages: setup
	$(DEV_ENV) $(BIN)/python manage.py makemessages -l fr $(MESSAGES_IGNORE)
	$(DEV_ENV) $(BIN)/python manage.py fill_plurals
	$(DEV_ENV) $(BIN)/python manage.py compilemessages -l fr $(MESSAGES_IGNORE)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache

# Browser tests (Playwright on Debian's chromium, axe-core, Nu Html Checker): needs chromium, java, npm.
# Screenshots and saved pages: test-artifacts/e2e/<test>/.
.PHONY: e2e
e2e: setup browser-tools
	$(BIN)/python -m pytest -m e2e tests/e2e $(PYTEST_ARGS)
