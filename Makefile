# county-sim: `make demo` and `make test` on a fresh machine (Python >= 3.11).
# Use another interpreter or venv folder with e.g. `make test PYTHON=python3.12 VENV=.venv312`.

VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

.PHONY: install demo test test-fast lint format pin bench clean

# The venv is (re)built when pyproject.toml changes; stamp files mark finished installs.
# The core is what `county-sim run` needs (make demo); everything adds the test suite, the
# classroom app, Dask and the EMA Workbench (make test, make install).
$(VENV)/.core: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	@$(BIN)/python -c 'import sys, mesa; print(f"installed the core into $(VENV): python {sys.version.split()[0]}, mesa {mesa.__version__}")'
	touch $@

$(VENV)/.installed: $(VENV)/.core
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@echo "installed the test suite, the app, Dask and the EMA Workbench into $(VENV)"
	touch $@

install: $(VENV)/.installed

# Run the L County scenario with 20 replicates on the core install; results go to results/l_county/.
demo: $(VENV)/.core
	$(BIN)/county-sim run l_county --replicates 20

# The whole suite (including the slow statistical pattern tests), its files spread over the cores
# (pytest-xdist; a file's tests stay on one worker, so its module fixtures are computed once).
# Add pytest options with e.g. `make test PYTEST_ARGS='-m "not statistical"'`.
PYTEST_ARGS ?=
test: $(VENV)/.installed
	$(BIN)/python -m pytest -n auto --dist loadfile $(PYTEST_ARGS)

# Everything except the slow tests.
test-fast: $(VENV)/.installed
	$(BIN)/python -m pytest -n auto --dist loadfile -m "not slow" $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Rewrite tests/data/l_county_pin.json (Model 2) and l_county_model1_pin.json: only when a model changes on purpose.
pin: $(VENV)/.installed
	$(BIN)/python -m tests.update_pin

# Speed benchmarks (issue #4): prints timings, never asserts them; see benchmarks/README.md.
bench: $(VENV)/.core
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf .venv .venv312 build dist *.egg-info .pytest_cache .ruff_cache .hypothesis
	find sim tests -name __pycache__ -type d -prune -exec rm -rf {} +

# The classroom app on http://127.0.0.1:8765/ (a class on the local network: make app APP_HOST=0.0.0.0;
# Chinese first: make app APP_LANG=zh).
APP_HOST ?= 127.0.0.1
APP_PORT ?= 8765
APP_LANG ?= en
.PHONY: app
app: $(VENV)/.installed
	$(BIN)/county-sim app --host $(APP_HOST) --port $(APP_PORT) --lang $(APP_LANG)
