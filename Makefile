# Two commands on a fresh machine: `make demo` and `make test`.
# Both create .venv and install dealnudge into it first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install system-deps lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/dealnudge demo --out demo-output

# The suite runs the store tests on a real PostgreSQL and the IMAP tests on a real
# Dovecot, started by the tests from installed binaries: system-deps installs them.
test: $(STAMP) system-deps lint
	$(BIN)/python -m pytest -q

system-deps:
	@sh scripts/system-deps.sh

# ruff, mypy (packages, tests, bench) and the import-layer contracts.
lint: $(STAMP)
	$(BIN)/python scripts/quality.py

clean:
	rm -rf $(VENV) demo-output build *.egg-info
