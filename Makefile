# One entry point for everything: `make demo` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo test lint typecheck unit browser bench golden clean

STATIC := src/newsweave/static_vectors/static-minilm-v1.npy

install: $(STAMP) $(STATIC)

# The static vector table, distilled from the installed MiniLM (about a minute of CPU).
$(STATIC): src/newsweave/static_vectors/__init__.py | $(STAMP)
	$(BIN)/python -c 'from newsweave.static_vectors import main; main()'

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	# The CPU build of torch, pinned, before anything that depends on it.
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e '.[dev]'
	# Model files prepared once for a quicker start (inside the venv; see newsweave.prepared).
	$(BIN)/python -m newsweave.prepared
	touch $(STAMP)

demo: install
	$(BIN)/newsweave brief examples/

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: install
	$(BIN)/mypy

unit: install
	$(BIN)/python -m pytest -q

test: lint typecheck browser unit

# Debian's chromium for the web page tests (driven by playwright; never 'playwright install').
browser:
	test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

# Rewrite tests/golden from the current code (after an intended change to the brief).
golden: install
	$(BIN)/python -m tests.support.make_golden

bench: install
	$(BIN)/python bench/pipeline_speed.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
