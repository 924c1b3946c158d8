# Guyub: `make demo` serves the demo cooperative, `make test` runs the whole suite. Both set up what they need.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
MANAGE := cd site && ../$(PY) manage.py
HOST ?= 127.0.0.1:8000

.PHONY: install demo test test-fast bench serve migrate messages clean

$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.lock
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

test: install
	@bash scripts/chromium.sh
	$(PY) -m pytest $(PYTEST_ARGS)

test-fast: install
	$(PY) -m pytest -m "not browser" -x $(PYTEST_ARGS)

bench: install
	$(PY) bench/pooling_bench.py
	$(PY) bench/availability_bench.py

messages: install
	$(PY) site/manage.py makemessages -l id --ignore=.venv --ignore=var --ignore=tests --ignore=bench --ignore=test-artifacts
	$(PY) scripts/pofill.py locale/id/LC_MESSAGES/django.po locale/id.json $$(ls locale/id-*.json 2>/dev/null)
	cd locale && ../$(PY) ../site/manage.py compilemessages

clean:
	rm -rf var/static var/test*.sqlite3
