# Huifang: `make run` serves the demo, `make test` runs every check. See README.md.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/huifang
DEMO_CUSTOMERS ?= 200
PYTEST_WORKERS ?= 2

.PHONY: run test install install-test browser lint test-sqlite test-postgres messages bench clean

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --customers $(DEMO_CUSTOMERS) --if-empty
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py serve

test: install-test browser lint test-sqlite test-postgres

install: $(VENV)/.installed-run
install-test: $(VENV)/.installed-test

$(VENV)/.installed-run: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed-run
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

# Browser tests drive Debian's Chromium; Playwright never downloads a browser of its own.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends chromium; }

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy huifang tests bench

test-sqlite: install-test
	env -u DATABASE_URL -u REDIS_URL $(BIN)/pytest -n $(PYTEST_WORKERS)

test-postgres: install-test
	env -u REDIS_URL DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/pytest -n $(PYTEST_WORKERS)

# Refresh translation catalogues after changing user-facing text, then translate zh_Hans.
messages: install
	cd huifang && ../$(PY) ../manage.py makemessages -l zh_Hans -l en --no-obsolete
	cd huifang && ../$(PY) ../manage.py compilemessages

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
