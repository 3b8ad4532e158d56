# Two commands on a fresh machine with Python 3.11+:
#   make run   - install into .venv and start the app on http://127.0.0.1:8501
#   make test  - install into .venv (and Debian's chromium and nodejs where apt is available) and run every test
#   make axe   - axe-core from the npm registry for the accessibility tests (make test runs it)
#   make test-fast - the unit, architecture and page tiers only
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-fast install browser node axe lint validate bench clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/python serve.py --server.address 127.0.0.1 --server.port 8501

browser:
	@if [ -x /usr/bin/chromium ]; then echo "chromium: $$(/usr/bin/chromium --version)"; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = "0" ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "WARNING: no chromium and no root apt-get: browser tests will be skipped"; fi

node:
	@if command -v node >/dev/null 2>&1; then echo "node: $$(node --version)"; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = "0" ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs >/dev/null; \
	else echo "WARNING: no node and no root apt-get: the player's JavaScript tests will be skipped"; fi

# axe-core for the accessibility browser tests, pinned in tests/browser/axe/package-lock.json, from the npm
# registry (npm comes from apt where it is missing: Debian's nodejs package does not include it).
axe: node
	@if ! command -v npm >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = "0" ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; fi
	@if command -v npm >/dev/null 2>&1; then cd tests/browser/axe && npm ci --no-audit --no-fund --loglevel=error; \
	else echo "WARNING: no npm and no root apt-get: the accessibility browser tests will be skipped"; fi

test: $(STAMP) browser node axe
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python -m layers validate geodata
	node --test tests/js/
	$(BIN)/python -m pytest

# The unit, architecture and page (AppTest) tiers: no browser, no load test (under two minutes here).
test-fast: $(STAMP) node
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	node --test tests/js/
	$(BIN)/python -m pytest -m "not browser and not load"

lint: $(STAMP)
	$(BIN)/ruff check .

validate: $(STAMP)
	$(BIN)/python -m layers validate geodata

bench: $(STAMP)
	$(BIN)/python -m layers bench

clean:
	rm -rf $(VENV) .pytest_cache tests/browser/axe/node_modules
