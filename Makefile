# The two commands of the README: `make run` and `make test`. Only Python 3.11+ and make are needed.
PYTHON ?= python3
# Every test process (xdist workers, the servers and workers the tests start) imports the same thousands of modules:
# with bytecode caching off (PYTHONDONTWRITEBYTECODE=1, as this machine's environment sets) each one recompiles them
# all, ~5 s of CPU per process start. Let Python keep its caches.
unexport PYTHONDONTWRITEBYTECODE
VENV := .venv
BIN := $(VENV)/bin
INFRA := .venv-infra

.PHONY: install run test lint typecheck pytest infra-tools system-deps bench-deps bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml uv.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check uv
	$(BIN)/uv sync --frozen --quiet
	touch $@

infra-tools: $(INFRA)/.installed

# uv (installed into .venv above) makes the checkers' venv too: pip took ~65 s to resolve and install them, uv ~10 s.
$(INFRA)/.installed: requirements-infra.txt $(VENV)/.installed
	test -x $(INFRA)/bin/python || $(BIN)/uv venv --quiet --python $(PYTHON) $(INFRA)
	$(BIN)/uv pip install --quiet --python $(INFRA)/bin/python -r requirements-infra.txt
	touch $@

# Debian packages the browser, Prometheus, Alertmanager (amtool), backup (pg_dump) and container tests use (CI runs this as root).
system-deps:
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium prometheus prometheus-alertmanager prometheus-blackbox-exporter postgresql-client >/dev/null

run: install
	$(BIN)/mess up

# Three xdist workers on two cores (each its own PostgreSQL and SQLite databases); groups that share a server stay
# on one worker. The tests wait on the servers, browsers and Celery workers they start, so more workers than cores
# pay; each worker also collects and migrates on its own. Measured on 2026-11-30 (quiet, everything installed):
# pytest 6 min 27 s at -n 2, 4 min 56 s at -n 4, 5 min 51 s at -n 6; after the session's test CPU cuts, `make test`
# 5 min 22 s at -n 3 and 5 min 31 s at -n 4 (the machine 96% busy: the suite is CPU-bound now); `.ci/run` from
# clean clones 6 min 56 s at -n 3 and 5 min 42 s and 6 min 52 s at -n 4: within this VM's run-to-run spread.
TEST_WORKERS ?= 3

# The type check runs beside the tests (make -j2): the tests leave a core idle while they wait on servers, browsers
# and workers, and mypy's minute from a clean clone fits there. Both must pass; mypy prints once, when it ends.
test: install infra-tools
	$(BIN)/ruff check .
	$(MAKE) --no-print-directory -j2 typecheck pytest

lint: install
	$(BIN)/ruff check .

typecheck: install
	$(BIN)/mypy

pytest: install infra-tools
	$(BIN)/pytest -q -n $(TEST_WORKERS) --dist loadgroup --durations=20

# The booking rush drives the server with wrk (Debian package).
bench-deps:
	command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null)

bench: install bench-deps
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) $(INFRA) mess.db mess-broker.db
