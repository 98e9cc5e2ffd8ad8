# 发布前审校 review service — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PIP := $(PY) -m pip --disable-pip-version-check
# pycorrector's wheel requires torch/transformers/datasets/pandas; we only read its data
# files, so it is installed without dependencies (see README, "pycorrector").
PYCORRECTOR := pycorrector==1.1.4

.PHONY: run install install-test system-deps test test-fast test-integrations test-deploy wheelhouse lint format bench bench-quality bench-typo bench-attachments bench-false-alarms bench-pages bench-scale dictionaries screenshots clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

$(VENV)/.installed: $(BIN)/activate pyproject.toml
	$(PIP) install -q -e .
	$(PIP) install -q --no-deps $(PYCORRECTOR)
	$(BIN)/review-service engine-cache
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml integrations/python/pyproject.toml
	$(PIP) install -q -e '.[test]'
	$(PIP) install -q -e integrations/python
	touch $@

# The Wagtail plugin is tested in its own environment (Wagtail and Django from the package index,
# the plugin and the Python client from this repository); the review service it talks to runs
# from $(VENV), as a separate process.
WAGTAIL_VENV := .venv-wagtail

$(WAGTAIL_VENV)/.installed: integrations/wagtail/pyproject.toml integrations/python/pyproject.toml
	$(PYTHON) -m venv $(WAGTAIL_VENV)
	$(WAGTAIL_VENV)/bin/python -m pip --disable-pip-version-check install -q --upgrade pip
	$(WAGTAIL_VENV)/bin/python -m pip --disable-pip-version-check install -q \
		-e integrations/python -e 'integrations/wagtail[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

run: install
	$(BIN)/review-service engine-cache
	$(BIN)/review-service serve

system-deps:
	bash scripts/install_system_deps.sh

test: install-test system-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -q -p no:cacheprovider
	$(MAKE) --no-print-directory test-integrations

# The edit-test loop: pure checks and workflows, the in-process API and pages, without the tiers that need
# PostgreSQL, Redis and Celery workers, a browser, or processes of their own (markers: conftest.py and the
# modules). Spread over TEST_WORKERS processes (pytest-xdist), a test module staying in one of them.
TEST_WORKERS ?= 2
test-fast: install-test
	$(BIN)/pytest -q -p no:cacheprovider -m "not (pg or redis or browser or slow)" -n $(TEST_WORKERS) --dist loadscope

# The Python client and editor widget tests run above (pyproject testpaths); this adds the Wagtail plugin.
test-integrations: install-test $(WAGTAIL_VENV)/.installed
	REVIEW_SERVICE_VENV=$(CURDIR)/$(VENV) $(WAGTAIL_VENV)/bin/python -m pytest -q -p no:cacheprovider \
		integrations/wagtail/tests

# The docker compose deployment, run for real (docker, images, operator scenario with fault trials).
# Installs docker.io and a compose with apt if missing and starts dockerd if none runs; see deploy/.
test-deploy: install
	PYTHON=$(CURDIR)/$(PY) bash deploy/test-deploy.sh

# The Python packages of the project image, built here so the image build needs no network.
wheelhouse: install
	$(PY) deploy/wheelhouse.py build/wheelhouse

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install-test
	$(PY) -m bench.latency
	$(PY) -m bench.terms_latency
	$(PY) -m bench.typo_long
	$(PY) -m bench.concurrency

bench-quality: install-test
	$(PY) -m bench.quality --devset tests/data/devset.jsonl
	$(PY) -m bench.quality --devset tests/data/devset_pii2.jsonl
	$(PY) -m bench.quality --alarms-only --devset tests/data/devset_pii3.jsonl
	$(PY) -m bench.quality --devset tests/data/heldout.jsonl
	$(PY) -m bench.terms_quality
	$(PY) -m bench.terms_quality --devset tests/data/terms_formulations_devset.jsonl --quiet

# The typo gate layer by layer: planted-error dev and held-out sets, false alarms on measuring-only prose, cost.
bench-typo: install-test
	$(PY) -m bench.typo_quality

bench-attachments: install-test system-deps
	$(PY) -m bench.attachments

bench-false-alarms: install-test
	$(PY) -m bench.false_alarms
	$(PY) -m bench.terms_false_alarms

screenshots: install-test system-deps
	REVIEW_SCREENSHOTS=docs/screenshots $(BIN)/pytest -q -p no:cacheprovider tests/browser

# Needs redis-server (make system-deps): archive re-check with 1 and 2 workers, /check p95 under load.
bench-pages: install-test
	$(PY) -m bench.pages --repeat 40 --json bench/results/pages.json

bench-scale: install-test system-deps
	$(PY) -m bench.scale --repeat 2 --json bench/results/scale.json

dictionaries: install
	$(PY) scripts/build_dictionaries.py

clean:
	rm -rf $(VENV) $(WAGTAIL_VENV) .pytest_cache .ruff_cache
