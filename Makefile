# Cited: `make run` installs, ingests corpus/ and serves; `make test` runs the suite.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false
export ANONYMIZED_TELEMETRY := False

.PHONY: install run ingest serve test test-fast lint eval bench soak clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3.11 -m venv $(VENV) || python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	# the CPU build of torch first, or sentence-transformers pulls a multi-GB CUDA build
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

ingest: install
	$(VENV)/bin/cited ingest

run: ingest
	$(VENV)/bin/cited serve --host 127.0.0.1 --port 8000

test: install
	bash scripts/run_pytest.sh
	$(VENV)/bin/cited eval --split test --report reports/eval

test-fast: install
	bash scripts/run_pytest.sh -m "not slow and not browser"

eval: install
	$(VENV)/bin/cited eval --split test --report reports/eval

lint: install
	$(VENV)/bin/ruff check service tests scripts bench
	$(VENV)/bin/mypy service

soak: install
	$(PY) scripts/kill_soak.py --trials 20
	$(PY) scripts/load_soak.py --seconds 60 --concurrency 16

bench: install
	$(PY) bench/run.py

clean:
	rm -rf data .pytest_cache .mypy_cache .ruff_cache
