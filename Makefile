# The two commands of the README: `make run` and `make test` (which runs `make lint` too).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501
DB     ?= data/warehouse.duckdb

.PHONY: run test test-fast lint format bench sample venv browser java clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

venv: $(VENV)/.installed

# Spark for the parity tests (docs/scale-out.md); `make run` does not need it.
$(VENV)/.scale: requirements-scale.txt | venv
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-scale.txt
	@touch $@

$(DB): | venv
	$(PY) -m etl --db $(DB) sample

sample: venv
	$(PY) -m etl --db $(DB) sample

run: venv $(DB)
	UPSKILL_DB=$(DB) $(VENV)/bin/streamlit run dashboard.py --server.port $(PORT) --server.address localhost --server.headless true

# Debian's chromium drives the browser tests; install it when missing and we can.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium is missing and cannot be installed here: the browser tests will fail"; fi; }

# Spark runs on Java 17; install Debian's runtime when missing and we can.
java:
	@command -v java >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's Java 17 runtime for the Spark parity tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null; \
	  else echo "java is missing and cannot be installed here: the Spark parity tests will fail"; fi; }

# Lint: ruff (lint and format), the floors (import-linter), the SQL (sqlfluff).
lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/sqlfluff lint sql

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: lint browser java $(VENV)/.scale
	$(PY) -m pytest -q

# Everything but the browser and the slow tests (a minute or two; no Spark).
test-fast: venv
	$(PY) -m pytest -q -m "not browser and not slow"

bench: venv
	$(PY) -m benchmarks

clean:
	rm -rf $(VENV) data tests/artifacts
