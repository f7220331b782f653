# Trustloop: `make demo` runs the whole system, `make test` runs every check. Both set up what is missing.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PG_HOST ?= 127.0.0.1
PG_PORT ?= 5432
PG_USER ?= postgres
PSQL := psql -h $(PG_HOST) -p $(PG_PORT) -U $(PG_USER) -v ON_ERROR_STOP=1 -Atq
DEMO_DB ?= trustloop
VENV := .venv
BIN := $(VENV)/bin
# The OSRM wheels are built for CPython 3.12 only: the machine's (on PATH or under pyenv), else one uv installs.
PYTHON312 ?= $(shell scripts/find-python.sh)

.PHONY: help setup services postgis venv browser haproxy test test-fast lint typecheck pytest demo demo-urls demo-fresh demo-db serve bench study lock vendor clean

help:
	@echo "make demo       set up everything and run the system with a seeded fleet and simulated people"
	@echo "make test       set up what the tests need and run ruff, mypy and every test"
	@echo "make test-fast  the pure cores' unit tests alone (no database, OSRM or servers): seconds"
	@echo "make serve      run OSRM, the API and the workers without seeding (TRUSTLOOP_* settings)"
	@echo "make bench      run the benchmarks (figures printed and written to bench/results/*.json)"
	@echo "make study      30 simulated days, seeds 7 and 11: dispatchers and promise policies compared (var/study)"
	@echo "make lint       ruff check and ruff format --check"
	@echo "make typecheck  mypy --strict"
	@echo "make setup      PostgreSQL, Redis and NATS running, PostGIS installed, the virtual environment built"
	@echo "make lock       re-resolve requirements.lock after changing pyproject.toml (needs uv)"
	@echo "make vendor     re-copy the front-end libraries pinned in web/package-lock.json (needs npm)"
	@echo "make clean      remove the virtual environment and generated files"

setup: services postgis venv

# PostgreSQL answering on PG_HOST:PG_PORT, Redis and NATS on their standard ports (the live brokers' tests and
# benchmark): started, or installed from the distribution's packages first.
services:
	@scripts/ensure-postgres.sh $(PG_HOST) $(PG_PORT)
	@scripts/ensure-brokers.sh

postgis: services
	@if [ "$$($(PSQL) -d postgres -c "SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'")" != "1" ]; then \
		echo "Installing PostGIS"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-$$(ls /etc/postgresql | sort -V | tail -n 1)-postgis-3 >/dev/null; \
	fi

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.lock pyproject.toml
	@test -n "$(PYTHON312)" || exit 1
	@test -x $(BIN)/python || $(PYTHON312) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: venv
	$(BIN)/mypy .

# Debian's Chromium, for the console's browser test (driven by Playwright from the venv).
browser:
	@command -v chromium >/dev/null || { echo "Installing Chromium"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# Debian's HAProxy, the load balancer of the several-nodes test (tests/nodes) and benchmark (bench.nodes), which
# need root for their network namespaces: elsewhere they skip, and nothing is installed.
haproxy:
	@command -v haproxy >/dev/null || [ "$$(id -u)" != 0 ] || { echo "Installing HAProxy"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >/dev/null; }

pytest: setup browser haproxy
	$(BIN)/pytest

test: setup lint typecheck pytest

# The pure cores (solver, cost, trust, SLA rules, filters, templates, state machine, architecture) alone.
test-fast: venv
	$(BIN)/pytest -m "not integration" -q

demo-db: setup
	@$(PSQL) -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$(DEMO_DB)'" | grep -q 1 || $(PSQL) -d postgres -c 'CREATE DATABASE "$(DEMO_DB)"'

# Two regions served at once: Liechtenstein and central Helsinki, each with its own osrm-routed and fleet. Each
# demo starts from a fresh database, so that no order left open by an earlier run waits on the console
# (DEMO_KEEP=1 keeps the last run's orders and ratings).
demo: demo-urls demo-fresh
	@TRUSTLOOP_DEV_AUTH=1 TRUSTLOOP_LOG_FORMAT=human TRUSTLOOP_ACCESS_LOG=false \
	TRUSTLOOP_REGIONS=$${TRUSTLOOP_REGIONS:-liechtenstein,helsinki} \
	TRUSTLOOP_SLA_REGION_TARGETS=$${TRUSTLOOP_SLA_REGION_TARGETS:-'{"helsinki": {"default": {"arrival_within": 1800}}}'} \
	TRUSTLOOP_DATABASE_URL=postgresql+asyncpg://$(PG_USER)@$(PG_HOST):$(PG_PORT)/$(DEMO_DB) \
		$(BIN)/trustloop serve --seed --simulate

demo-fresh: setup
	@[ "$(DEMO_KEEP)" = 1 ] || $(PSQL) -d postgres -qc 'DROP DATABASE IF EXISTS "$(DEMO_DB)" WITH (FORCE)'
	@$(MAKE) --no-print-directory demo-db

demo-urls:
	@echo "Trustloop demo, once it is up (a minute on a fresh machine; Ctrl-C stops):"
	@echo "  operators' console   http://127.0.0.1:8000/console  (sign in as the demo operator)"
	@echo "  API reference        http://127.0.0.1:8000/docs"
	@echo

serve: demo-db
	$(BIN)/trustloop serve

bench: setup browser haproxy
	@command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	$(BIN)/python -m bench.live --json bench/results/live.json
	$(BIN)/python -m bench.ingest --json bench/results/ingest.json
	$(BIN)/python -m bench.fanout --json bench/results/fanout.json
	$(BIN)/python -m bench.routing --json bench/results/routing.json
	$(BIN)/python -m bench.dispatch --json bench/results/dispatch.json
	$(BIN)/python -m bench.notifications --json bench/results/notifications.json
	$(BIN)/python -m bench.abuse --json bench/results/abuse.json
	$(BIN)/python -m bench.webhooks --json bench/results/webhooks.json
	$(BIN)/python -m bench.comments --json bench/results/comments.json
	$(BIN)/python -m bench.console --json bench/results/console.json
	$(BIN)/python -m bench.nodes --json bench/results/nodes.json

# The 30-day seeded comparison of trust-weighted and nearest-ETA dispatch, and of calibrated and raw promises,
# on two seeds (figures and charts in var/study/seed-N).
study: demo-db
	TRUSTLOOP_DATABASE_URL=postgresql+asyncpg://$(PG_USER)@$(PG_HOST):$(PG_PORT)/$(DEMO_DB) \
		$(BIN)/trustloop simulate --compare --days 30 --seed 7 11 --out var/study

# Regenerates requirements.lock from pyproject.toml (needs uv: `pip install uv`).
lock:
	uv pip compile pyproject.toml --group dev --group study --python-version 3.12 --generate-hashes --no-header -q -o requirements.lock

# Copies the front-end libraries pinned in web/package-lock.json into app/static/vendor (committed: nothing
# else needs npm). After changing web/package.json: `cd web && npm install`, then this.
vendor:
	@command -v npm >/dev/null || { echo "make vendor needs Node.js and npm"; exit 1; }
	cd web && npm ci && node vendor.mjs

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
