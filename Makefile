# atrocity-kg: `make demo` builds the embedded store from examples/ and serves it;
# `make test` runs the whole suite. Both set up everything they need.
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
LINTDIR = tests/neo4j_lint
NEO4J   = $(PY) tests/neo4j_server/server.py
HOST   ?= 127.0.0.1
PORT   ?= 8000
export AKG_DB ?= data/akg.lbug
# pytest-xdist workers; the Neo4j tests run in one of them, on one test server. (TEST_SERVERS=2
# gives each worker a server of its own and splits the Neo4j tests in two: on 2 cores the two
# servers' JVMs made the suite slower, 20-22 min against 18.)
TEST_WORKERS ?= 2
TEST_SERVERS ?= 1

.PHONY: demo test lint bench install tools browser docs clean neo4j neo4j-stop

# The demo needs the package and its run-time dependencies only; pip shows what it fetches.
$(VENV)/.runtime: pyproject.toml
	@echo "== installing atrocity-kg into $(VENV) (first run: a minute or two) =="
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --progress-bar on -e .
	@echo "== installed $$($(VENV)/bin/akg --version) and its run-time dependencies into $(VENV) =="
	touch $@

# Tests and linters come on top (pytest, hypothesis, schemathesis, selenium, mypy, ruff, stubs).
$(VENV)/.installed: $(VENV)/.runtime
	@echo "== installing the test and lint tools into $(VENV) =="
	$(PY) -m pip install --progress-bar on -e '.[dev]'
	@echo "== installed the test and lint tools: $$($(VENV)/bin/pytest --version) =="
	touch $@

install: $(VENV)/.installed

# Neo4j's own Cypher parser (offline after install), used to check every Neo4j query text.
$(LINTDIR)/node_modules/.installed: $(LINTDIR)/package.json
	cd $(LINTDIR) && npm install --no-audit --no-fund --silent
	touch $@

tools: $(LINTDIR)/node_modules/.installed

# Headless Chromium for the browser tests (Debian packages).
browser:
	@command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; }

# The project's own Neo4j (Community 5.26 LTS via Maven, embedded with Bolt on 127.0.0.1):
# `make neo4j` starts it and prints where; `eval "$$($(NEO4J) env)"` sets NEO4J_* for a shell.
neo4j: install
	$(NEO4J) start

neo4j-stop: install
	$(NEO4J) stop

# DEMO_NO_SERVE=1 builds the store and stops (for a check of the first run)
demo: $(VENV)/.runtime
	@echo "== building the demo store ($(AKG_DB))$(if $(DEMO_NO_SERVE),, and serving it on http://$(HOST):$(PORT)) =="
	@$(VENV)/bin/akg demo --host $(HOST) --port $(PORT)$(if $(DEMO_NO_SERVE), --no-serve)

test: install tools browser
	$(VENV)/bin/ruff check ontology graph loaders queries api viz cli tests benchmarks
	$(VENV)/bin/mypy
	$(VENV)/bin/akg docs --check
	$(NEO4J) run --servers $(TEST_SERVERS) -- $(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadgroup --durations=15 --doctest-modules ontology graph loaders queries api viz cli tests

lint: install
	$(VENV)/bin/ruff check ontology graph loaders queries api viz cli tests benchmarks
	$(VENV)/bin/mypy

bench: install
	$(PY) -m benchmarks

docs: install
	$(VENV)/bin/akg docs

clean:
	rm -rf data .mypy_cache .pytest_cache .ruff_cache
