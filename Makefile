# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501
DB     ?= data/warehouse.duckdb

.PHONY: run test bench sample venv browser clean

$(VENV)/.installed: requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

venv: $(VENV)/.installed

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

test: venv browser
	$(PY) -m pytest -q

bench: venv
	$(PY) -m benchmarks

clean:
	rm -rf $(VENV) data tests/artifacts
