# hedgekit developer tasks. `make demo` and `make test` are the README's two commands.
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
# ape-vyper finds `vyper` on PATH; ape-foundry finds `anvil` there.
export PATH := $(BIN):$(CURDIR)/node_modules/.bin:$(PATH)
PYTEST_ARGS ?=

.PHONY: setup browser demo test lint bench clean

setup: $(VENV)/.installed node_modules/.installed .build/__local__.json

$(VENV)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "hedgekit needs Python >= 3.11"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

.build/__local__.json: $(wildcard contracts/*.vy) $(VENV)/.installed ape-config.yaml
	$(BIN)/ape compile
	touch $@

# The main job on the local mainnet replica: start it (cached after the first build), give a
# test account an LP position on WETH/USDC 0.05% and hedge it, printing before and after.
# The replica keeps running: `.venv/bin/hedgekit replica down` stops it.
demo: setup
	$(BIN)/hedgekit demo

# Headless Chromium for the HTML report test (Debian's package; needs root and apt-get).
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
	  && { apt-get install -y -q chromium >/dev/null 2>&1 \
	       || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q chromium >/dev/null 2>&1; }; } \
	  || echo "note: no chromium could be installed: the HTML report test will skip"; }

# The whole test suite. pytest's "no tests collected" (exit 5) counts as a failure.
test: setup browser
	$(BIN)/python -m pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "error: pytest collected no tests" >&2; exit 1; fi; exit $$rc

lint: setup
	$(BIN)/ruff check src tests scripts benchmarks
	$(BIN)/mypy

bench: setup
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) node_modules .build .cache
