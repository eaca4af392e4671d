# newsmon: `make run` and `make test` are all a newcomer needs (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
TOOLS := .tools
UV_VERSION := 0.13.9
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
export UV_PYTHON_DOWNLOADS := never
export NEWSMON_DATA_DIR ?= $(CURDIR)/data

.PHONY: env run demo test lint typecheck compose-check pytest quality bench clean help

help:
	@echo "make run    - create the environment, migrate the store, start Airflow (UI on http://127.0.0.1:8080)"
	@echo "make test   - the whole test suite, linters, type checks and the compose check"
	@echo "make demo   - one offline cycle through the real DAGs against a local replay server"

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet "uv==$(UV_VERSION)"

# The environment is exactly the committed lock file (uv.lock); `uv lock` updates it.
$(BIN)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

env: $(BIN)/.synced

run: env
	@bash scripts/run.sh

demo: env
	$(BIN)/newsmon demo

lint: env
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: env
	$(BIN)/mypy

compose-check: env
	$(BIN)/check-jsonschema --builtin-schema vendor.compose-spec docker-compose.yml

pytest: env
	$(BIN)/python -m pytest

# The extraction quality gate (newsmon/quality.py): scores against trafilatura on the shared
# corpus, floors pinned in quality/baseline.json. `make test` runs it where the corpus exists.
CORPUS ?= ../shared/corpus

quality: env
	$(BIN)/python -m newsmon.quality --corpus $(CORPUS)

test: lint typecheck compose-check pytest $(if $(wildcard $(CORPUS)),quality)

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache .mypy_cache .ruff_cache
