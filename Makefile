# The two commands of the README, plus a few conveniences. Everything installs what it needs.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: up test install infra down unit clean bench soak

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

## Start the whole system: Kafka (KRaft), PostgreSQL, topics, databases, both services. Ctrl-C stops it.
up: install
	$(PY) -m localstack up

## Run every test (unit, integration, end-to-end) against real Kafka and PostgreSQL.
test: install
	$(PY) -m pytest -q -p no:cacheprovider

## Only Kafka + PostgreSQL (for running a service from your IDE).
infra: install
	$(PY) -m localstack infra

down: install
	$(PY) -m localstack down

## Benchmarks with their baselines (issue 6): prints a table, writes docs/benchmarks.md. ARGS="--lines 2000" to change.
bench: install
	$(PY) -m tests.benchmarks $(ARGS)

## Fault drills for at least 10 minutes (MINUTES=30 for longer): kills, broker and database restarts, rebalances.
MINUTES ?= 10
soak: install
	$(PY) -m pytest -q -s -p no:cacheprovider tests/drills --soak --minutes $(MINUTES)

unit: install
	$(PY) -m pytest -q tests/unit

clean:
	rm -rf .stack
