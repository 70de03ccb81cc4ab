# Two targets do all the set-up on a fresh machine: `make demo` and `make test`.
VENV := .venv
PY := $(VENV)/bin/python

# requirements.lock pins every package `.[dev]` needs, with hashes; `make lock` writes it again
# after pyproject.toml's dependencies change.
$(VENV)/.installed: pyproject.toml requirements.lock
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

.PHONY: demo test test-fast test-lowest lock
demo: $(VENV)/.installed
	$(VENV)/bin/planner solve scenarios/demo.toml --out out/demo
	$(VENV)/bin/planner check scenarios/demo.toml out/demo

test: $(VENV)/.installed
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(PY) -m pytest

# The quick loop: the tests without those marked slow (make test still runs everything).
test-fast: $(VENV)/.installed
	$(PY) -m pytest -m "not slow"

# The lowest versions pyproject.toml allows, each direct dependency at its minimum: the engine's,
# the CLI's and the importers' tests (the dashboard's tests need a newer Streamlit's testing API).
LOWEST := .venv-lowest
test-lowest:
	python3 -m venv $(LOWEST)
	$(LOWEST)/bin/python -m pip install --quiet uv
	VIRTUAL_ENV=$(LOWEST) $(LOWEST)/bin/uv pip install --quiet --resolution lowest-direct -e '.[dev]'
	$(LOWEST)/bin/python -m pytest -m "not slow" --ignore=tests/dashboard -p no:cacheprovider

lock: $(VENV)/.installed
	$(PY) -m pip install --quiet uv
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 \
		--generate-hashes --quiet -o requirements.lock
