# make run   — install into .venv and run the main job (regwatch run) on the embedded defaults
# make test  — install into .venv (with dev extras) and run the test suite
# make bench — benchmarks against the scaled replica; prints figures, asserts nothing about time
# make screenshots — docs/screenshots/ regenerated (needs Chromium: `make chromium` installs Debian's)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint bench demo clean chromium screenshots screenshots-alerts

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/regwatch run

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

demo: $(STAMP)
	$(BIN)/regwatch demo

# Headless Chromium for the screenshots (Debian's package; needs root, as apt-get does).
chromium:
	@command -v chromium >/dev/null 2>&1 || (apt-get update && apt-get install -y --no-install-recommends chromium)

# Each part adds its own screenshots-* prerequisite here.
screenshots: screenshots-alerts

screenshots-alerts: $(STAMP) chromium
	$(BIN)/python tools/screenshots_alerts.py

clean:
	rm -rf $(VENV) .cache .pytest_cache .ruff_cache
