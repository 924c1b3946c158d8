# Guyub: `make demo` serves the demo cooperative; `make test` runs `make check` (static checks), then the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
LOCKS := requirements.lock requirements-test.lock
STAMP := $(VENV)/.installed-$(shell cat $(LOCKS) pyproject.toml | cksum | cut -d' ' -f1)
MANAGE := cd site && ../$(PY) manage.py
HOST ?= 127.0.0.1:8000

.PHONY: install migrate demo check test test-fast bench messages clean

# The development venv gets both locks: the runtime packages (all the production image installs, docker/Dockerfile)
# and the test, benchmark and lint tools.
$(STAMP): $(LOCKS) pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.lock -r requirements-test.lock
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(MANAGE) migrate --noinput

demo: install
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory migrate && \
	( $(MANAGE) collectstatic --noinput -v 0 ) && \
	( $(MANAGE) seed_demo ) && \
	echo "Set-up took $$(( $$(date +%s) - start )) s. Serving on http://$(HOST)/ (Ctrl-C stops)." && \
	( $(MANAGE) runserver $(HOST) --noreload )

# Static checks, all run even when one fails: no model change without its migration, ruff (pyproject.toml), and
# the layering contracts once pyproject.toml has a [tool.importlinter] section.
check: install
	@status=0; \
	echo "== makemigrations --check"; ( $(MANAGE) makemigrations --check --dry-run ) || status=1; \
	echo "== ruff check"; $(VENV)/bin/ruff check . || status=1; \
	echo "== ruff format --check"; $(VENV)/bin/ruff format --check -q . || status=1; \
	if grep -q '^\[tool\.importlinter\]' pyproject.toml; then \
		echo "== lint-imports"; PYTHONPATH=.:site $(VENV)/bin/lint-imports || status=1; \
	else echo "== lint-imports: skipped, no [tool.importlinter] in pyproject.toml"; fi; \
	exit $$status

# The suite runs on every core (pytest-xdist): each worker migrates and seeds its own test database once.
TEST_WORKERS ?= auto
test: check
	@bash scripts/chromium.sh && bash scripts/axe.sh
	$(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

test-fast: install
	$(PY) -m pytest -m "not browser" -x $(PYTEST_ARGS)

bench: install
	$(PY) bench/pooling_bench.py
	$(PY) bench/availability_bench.py
	$(PY) bench/storefront_bench.py $(STOREFRONT_BENCH_ARGS)
	$(PY) bench/search_bench.py
	$(PY) bench/trade_bench.py
	DATABASE_URL=sqlite:////tmp/booksbench.sqlite3 $(PY) bench/books_bench.py

messages: install
	$(PY) site/manage.py makemessages -l id --ignore=.venv --ignore=var --ignore=tests --ignore=bench --ignore=test-artifacts
	$(PY) scripts/pofill.py locale/id/LC_MESSAGES/django.po locale/id.json $$(ls locale/id-*.json 2>/dev/null)
	cd locale && ../$(PY) ../site/manage.py compilemessages

clean:
	rm -rf var/static var/test*.sqlite3
