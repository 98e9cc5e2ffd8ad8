# 发布前审校 review service — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PIP := $(PY) -m pip --disable-pip-version-check
# pycorrector's wheel requires torch/transformers/datasets/pandas; we only read its data
# files, so it is installed without dependencies (see README, "pycorrector").
PYCORRECTOR := pycorrector==1.1.4

.PHONY: run install install-test system-deps test lint format bench bench-quality bench-false-alarms bench-scale dictionaries clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

$(VENV)/.installed: $(BIN)/activate pyproject.toml
	$(PIP) install -q -e .
	$(PIP) install -q --no-deps $(PYCORRECTOR)
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(PIP) install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

run: install
	$(BIN)/review-service serve

system-deps:
	bash scripts/install_system_deps.sh

test: install-test system-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -q -p no:cacheprovider

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install-test
	$(PY) -m bench.latency

bench-quality: install-test
	$(PY) -m bench.quality --devset tests/data/devset.jsonl
	$(PY) -m bench.quality --devset tests/data/devset_pii2.jsonl
	$(PY) -m bench.quality --devset tests/data/heldout.jsonl
	$(PY) -m bench.terms_quality

bench-false-alarms: install-test
	$(PY) -m bench.false_alarms

# Needs redis-server (make system-deps): archive re-check with 1 and 2 workers, /check p95 under load.
bench-scale: install-test system-deps
	$(PY) -m bench.scale --repeat 2 --json bench/results/scale.json

dictionaries: install
	$(PY) scripts/build_dictionaries.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
