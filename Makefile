# make run       — install into .venv and run the main job (regwatch run) on the embedded defaults
# make test      — install into .venv (dev and demo extras): ruff, mypy, then every test
# make test-fast — the inner loop: every test but the replica crawls (-m "not integration")
# make screenshots — the web UI's pages at 1280 px and the alert emails at 1280 and 400 px into docs/screenshots/
# make demo      — the whole cycle offline against the replica, with local mail and chat sinks
# make bench     — benchmarks against the scaled replica; prints figures, asserts nothing about time
# make fuzz      — the long fuzz campaign over every reader of hostile input (CI runs a short one)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test test-fast lint typecheck bench demo fuzz clean browser screenshots screenshots-alerts

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The demo extra (the replica and its loopback sinks) comes too: `make run` suggests the demo
# when offline, and the tests and the benchmark crawl the replica.
$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,demo]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/regwatch run

# Headless Chromium for the web UI's browser test (Debian packages; CI runs as root on a fresh machine).
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
		{ apt-get update && apt-get install -y --no-install-recommends chromium chromium-driver fonts-wqy-zenhei; }

test: lint typecheck browser
	$(BIN)/python -m pytest -q

test-fast: lint
	$(BIN)/python -m pytest -q -m "not integration"

lint: $(STAMP)
	$(BIN)/ruff check .

fuzz: $(STAMP)
	REGWATCH_FUZZ=campaign $(BIN)/python -m pytest -q tests/test_fuzz.py

typecheck: $(STAMP)
	$(BIN)/mypy

BENCH_STAMP := $(VENV)/.installed-bench

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,demo,bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python bench/run_all.py

screenshots: $(STAMP) browser
	$(BIN)/python -m tests.screenshots docs/screenshots
	$(BIN)/python tools/screenshots_alerts.py

# Only the alert emails (the 公示, the 公告, the criteria draft at 1280 and 400 px).
screenshots-alerts: $(STAMP) browser
	$(BIN)/python tools/screenshots_alerts.py

demo: $(STAMP)
	$(BIN)/regwatch demo

clean:
	rm -rf $(VENV) .cache .pytest_cache .ruff_cache .mypy_cache
