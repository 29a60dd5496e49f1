# The two commands of the README, plus a few conveniences. Everything installs what it needs.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: up test lint install install-runtime infra down unit clean bench soak

# Two stamps: what running needs (`make up`), and the test extras on top (`make test`).
RUNTIME := $(VENV)/.installed-runtime
TESTING := $(VENV)/.installed-test

$(RUNTIME): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(TESTING): $(RUNTIME)
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

## Everything, test extras included (for working on the code).
install: $(TESTING)

install-runtime: $(RUNTIME)

## Start the whole system: Kafka (KRaft), PostgreSQL, topics, databases, both services. Ctrl-C stops it.
up: $(RUNTIME)
	$(PY) -m localstack up

## Run every test (unit, integration, end-to-end) against real Kafka and PostgreSQL, after the gates.
test: lint
	$(PY) -m pytest -q -p no:cacheprovider

## The gates: ruff (rules in pyproject.toml) and mypy (strict for the domains and contracts); zero findings.
lint: $(TESTING)
	$(PY) -m ruff check .
	$(PY) -m mypy

## Only Kafka + PostgreSQL (for running a service from your IDE).
infra: $(RUNTIME)
	$(PY) -m localstack infra

down: $(RUNTIME)
	$(PY) -m localstack down

## Benchmarks with their same-run baselines (~10 min): prints a table, rewrites docs/benchmarks.md (keeps the previous
## run beside it). ARGS="--serials 100,1000 --seconds 20" to change sizes; ARGS="--help" lists them.
bench: $(TESTING)
	$(PY) -m tests.benchmarks $(ARGS)

## Fault drills for at least 10 minutes (MINUTES=30 for longer): kills, broker and database restarts, rebalances.
MINUTES ?= 10
soak: $(TESTING)
	$(PY) -m pytest -q -s -p no:cacheprovider tests/drills --soak --minutes $(MINUTES)

unit: $(TESTING)
	$(PY) -m pytest -q tests/unit

clean:
	rm -rf .stack
