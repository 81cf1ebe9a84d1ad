# Partline: `make run` sets everything up and serves the app; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1:8000

.PHONY: run test install migrate demo lint format fuzz e2e faults bench loadtest ci worker beat clean

$(STAMP): requirements/base.txt requirements/dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements/dev.txt
	touch $(STAMP)

install: $(STAMP)

migrate: install
	@mkdir -p var
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo --url http://$(HOST)/

run: demo
	$(PY) manage.py runserver $(HOST)

test: install
	$(BIN)/pytest -q -n 2 -rs $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Longer sessions of the quality gates (CI runs them bounded inside `make test`).
fuzz: install
	FUZZ_EXAMPLES=200 FUZZ_COVERAGE_CASES=0 PROPERTY_EXAMPLES=300 $(BIN)/pytest -q -p no:xdist \
		tests/quality/test_api_fuzz.py tests/quality/test_properties.py

e2e: install
	$(BIN)/pytest -q -m e2e -p no:xdist

faults: install
	$(BIN)/pytest -q -m faults -p no:xdist

bench: install
	$(PY) bench/bom.py
	$(PY) bench/posting.py
	$(PY) bench/import_stock.py
	$(PY) bench/racks.py
	$(PY) bench/backup.py

# Load test (tests/load): gunicorn on 127.0.0.1 against a throw-away copy of the demo in
# PostgreSQL, with Redis; headless locust, bounded (LOADTEST_SECONDS, default 60; LOADTEST_USERS 50).
loadtest: install
	$(PY) tests/load/run.py

ci:
	bash .ci/run

worker: install
	$(BIN)/celery -A config worker -l info

beat: install
	$(BIN)/celery -A config beat -l info

clean:
	rm -rf var/partline.sqlite3 var/staticfiles
