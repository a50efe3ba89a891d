# spasminfo: `make run` serves the demo site, `make test` runs the suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
DEV    := DEBUG=1 DJANGO_SETTINGS_MODULE=spasminfo.settings.dev
# Without DATABASE_URL: the embedded PostgreSQL of the checkout (.pgdata/, 127.0.0.1:54329),
# started for the command and stopped after it if the command started it.
WITH_DB := $(PY) -m devtools.embedded_postgres run --
DEMO_STEPS := $(PY) manage.py migrate --noinput && $(PY) manage.py load_content fixtures \
	&& $(PY) manage.py setup_demo && $(PY) manage.py load_readers_content

.PHONY: install system-packages bench-packages run worker demo db db-stop serve loadtest bench test lint format migrations-check ci

$(STAMP):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP) node_modules/.package-lock.json static/vendor/easymde/easymde.min.js

## Start or stop the embedded PostgreSQL by hand (make run and make test do it for themselves).
db: install
	$(PY) -m devtools.embedded_postgres start

db-stop: install
	$(PY) -m devtools.embedded_postgres stop

## axe-core for the browser tests' accessibility checks, EasyMDE for the draft form (without npm: both skipped, said why)
node_modules/.package-lock.json: package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund; else echo "npm not found: axe-core checks will skip"; fi

## EasyMDE (pinned in package.json) copied from node_modules into the static files: the editors' Markdown
## writing surface. Without npm the draft form keeps its plain textarea (static/js/editor.js).
static/vendor/easymde/easymde.min.js: node_modules/.package-lock.json
	@if [ -f node_modules/easymde/dist/easymde.min.js ]; then \
		mkdir -p static/vendor/easymde && \
		cp node_modules/easymde/dist/easymde.min.js node_modules/easymde/dist/easymde.min.css \
			node_modules/easymde/LICENSE static/vendor/easymde/; \
	else echo "EasyMDE not installed (npm ci): the draft form keeps its plain textarea"; fi

## Set up the database with the demo content and accounts (safe to repeat).
demo: install
	$(DEV) $(WITH_DB) sh -c '$(DEMO_STEPS)'

## Everything, then serve http://127.0.0.1:8000 with the task queue's worker beside it (mails,
## purges, periodic jobs); Ctrl-C stops the server, the worker and the database.
run: install
	$(DEV) $(WITH_DB) sh -c '$(DEMO_STEPS) && exec $(PY) scripts/run_with_worker $(PY) manage.py runserver 127.0.0.1:8000'

## The task queue's worker alone (production runs it as its own process: docs/DEPLOYMENT.md).
worker: install
	$(DEV) $(WITH_DB) $(PY) manage.py procrastinate worker

## Production: collectstatic, then gunicorn (needs SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL; docs/DEPLOYMENT.md).
serve: install
	PYTHON=$(PY) scripts/serve

## Load and fault test on 127.0.0.1 with a throwaway PostgreSQL (docs/assurance.md); e.g. LOADTEST_ARGS="--duration 20".
loadtest: install
	$(PY) scripts/loadtest.py $(LOADTEST_ARGS)

## Benchmark on 127.0.0.1 with a throwaway PostgreSQL, results written to docs/PERFORMANCE.md (about 17
## minutes). Needs wrk (apt-get install wrk; falls back to scripts/loadgen.py), Redis DB 12; the proxy row
## needs varnish, varnish-modules and nginx-light (without them it says "not measured"); bench-packages
## installs what is missing. A quick look: BENCH_ARGS="--quick --no-write".
bench: install system-packages bench-packages
	$(PY) scripts/bench.py $(BENCH_ARGS)

## System packages the tests use and pip cannot install: Varnish with xkey (tests/pagecache/test_purge.py
## skips without it). Installs only what is missing; needs root (apt-get).
system-packages:
	@if ! command -v varnishd >/dev/null || ! ls /usr/lib/*/varnish/vmods/libvmod_xkey.so >/dev/null 2>&1; then \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq varnish varnish-modules) \
			|| echo "Could not install varnish varnish-modules: tests/pagecache/test_purge.py will skip."; \
	fi

## What the benchmark drives and compares against (wrk, nginx for the static-file row); needs root.
bench-packages:
	@missing=""; command -v wrk >/dev/null || missing="$$missing wrk"; \
	command -v nginx >/dev/null || missing="$$missing nginx-light"; \
	if [ -n "$$missing" ]; then \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing) \
			|| echo "Could not install$$missing: the benchmark falls back or says what is missing."; \
	fi

## The test suite, on the embedded PostgreSQL (tests/conftest.py starts it) unless DATABASE_URL names another.
test: install system-packages
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrations-check: install
	$(DEV) $(WITH_DB) $(PY) manage.py makemigrations --check --dry-run

ci:
	bash .ci/run
