# Two targets do all the set-up on a fresh machine: `make demo` and `make test`.
VENV := .venv
PY := $(VENV)/bin/python

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

.PHONY: demo test test-fast
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
