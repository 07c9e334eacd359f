# Two commands on a fresh machine: `make run` (the app on 127.0.0.1) and `make test`.
# Everything else they need (.venv, the project, its dev tools) is set up on first use.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# A Python >= 3.12: the first of python3.13, python3.12, python3 on PATH that works,
# else the newest 3.13/3.12 that pyenv knows.
PYTHON ?= $(shell for c in python3.13 python3.12 python3; do \
	  p=$$(command -v $$c 2>/dev/null) && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; exit 0; }; \
	done; \
	for v in 3.13 3.12; do \
	  p=$$(pyenv prefix $$v 2>/dev/null)/bin/python3 && [ -x "$$p" ] && { echo $$p; exit 0; }; \
	done)

.PHONY: install run test bench lint docs clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@if [ -z "$(PYTHON)" ]; then \
	  echo "error: no Python >= 3.12 found (tried python3.13, python3.12, python3 on PATH and pyenv); install one, or run 'make PYTHON=/path/to/python3.12'" >&2; exit 1; fi
	@[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,sweep]'
	@touch $(STAMP)

run: install
	SOLARA_TELEMETRY_MIXPANEL_ENABLE=False $(VENV)/bin/siberia app

test: install
	SOLARA_TELEMETRY_MIXPANEL_ENABLE=False $(PY) -m pytest -n 2 tests

bench: install
	$(PY) -m benchmarks

lint: install
	$(VENV)/bin/ruff check model agents viz experiments tests benchmarks tools

docs: install
	$(VENV)/bin/siberia params --markdown > docs/parameters.md
	$(VENV)/bin/siberia validate --out docs/validation.md

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
