# make run   — install into .venv and run the main job (regwatch run) on the embedded defaults
# make test  — install into .venv (with dev extras) and run the test suite
# make screenshots — the web UI's pages at 1280 px into docs/screenshots/
# make bench — benchmarks against the scaled replica; prints figures, asserts nothing about time
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint bench demo clean browser screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/regwatch run

# Headless Chromium for the web UI's browser test (Debian packages; CI runs as root on a fresh machine).
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
		{ apt-get update && apt-get install -y --no-install-recommends chromium chromium-driver fonts-wqy-zenhei; }

test: $(STAMP) browser
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

screenshots: $(STAMP) browser
	$(BIN)/python -m tests.screenshots docs/screenshots

demo: $(STAMP)
	$(BIN)/regwatch demo

clean:
	rm -rf $(VENV) .cache .pytest_cache .ruff_cache
