# spasminfo: `make run` serves the demo site, `make test` runs the suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
DEV    := DEBUG=1 DJANGO_SETTINGS_MODULE=spasminfo.settings.dev

.PHONY: install pg-tools pg-replication system-packages bench-packages run demo serve loadtest bench test lint format migrations-check ci

$(STAMP):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP) node_modules/.package-lock.json pg-tools

## pg_dump / pg_restore for backup_site and restore_site on PostgreSQL (postgresql-client; needs root to install)
pg-tools:
	@command -v pg_dump >/dev/null && command -v pg_restore >/dev/null || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-client >/dev/null; } || \
		echo "pg_dump/pg_restore not found: backup_site and restore_site on PostgreSQL need postgresql-client"

## Let the PostgreSQL on 127.0.0.1:5432 accept replication connections from 127.0.0.1, as it already
## accepts every other connection from there (tests/test_read_replica.py starts a streaming replica of it).
## Needs write access to its pg_hba.conf (root or the postgres user); safe to repeat.
pg-replication:
	@hba=$$(psql -h 127.0.0.1 -U postgres -tAc "SHOW hba_file") && \
	if grep -Eq '^host[[:space:]]+replication[[:space:]]+all[[:space:]]+127\.0\.0\.1/32' "$$hba"; then \
		echo "pg_hba.conf already accepts replication from 127.0.0.1"; \
	else \
		echo "host    replication     all             127.0.0.1/32            trust" >> "$$hba" && \
		psql -h 127.0.0.1 -U postgres -tAc "SELECT pg_reload_conf()" >/dev/null && \
		echo "pg_hba.conf: replication from 127.0.0.1 accepted ($$hba)"; \
	fi

## axe-core for the accessibility checks in the browser tests (skipped, with the reason, without npm)
node_modules/.package-lock.json: package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund; else echo "npm not found: axe-core checks will skip"; fi

## Set up the database with the demo content and accounts (safe to repeat).
demo: install
	$(DEV) $(PY) manage.py migrate --noinput
	$(DEV) $(PY) manage.py load_content fixtures
	$(DEV) $(PY) manage.py setup_demo
	$(DEV) $(PY) manage.py load_readers_content

## Everything, then serve http://127.0.0.1:8000
run: demo
	$(DEV) $(PY) manage.py runserver 127.0.0.1:8000

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

## System packages the tests use and pip cannot install: Varnish with xkey (tests/test_varnish.py
## skips without it). Installs only what is missing; needs root (apt-get).
system-packages:
	@if ! command -v varnishd >/dev/null || ! ls /usr/lib/*/varnish/vmods/libvmod_xkey.so >/dev/null 2>&1; then \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq varnish varnish-modules) \
			|| echo "Could not install varnish varnish-modules: tests/test_varnish.py will skip."; \
	fi

## What the benchmark drives and compares against (wrk, nginx for the static-file row); needs root.
bench-packages:
	@missing=""; command -v wrk >/dev/null || missing="$$missing wrk"; \
	command -v nginx >/dev/null || missing="$$missing nginx-light"; \
	if [ -n "$$missing" ]; then \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing) \
			|| echo "Could not install$$missing: the benchmark falls back or says what is missing."; \
	fi

## The test suite (DATABASE_URL picks the database; SQLite by default).
test: install system-packages
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrations-check: install
	$(DEV) $(PY) manage.py makemigrations --check --dry-run

ci:
	bash .ci/run
