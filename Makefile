# Primaweb: `make run` to try it, `make test` to check it. Both install what is missing first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
REGISTER_SIZE ?= 20000

CORPUS ?= tests/corpus/files

.PHONY: run test bench corpus lint format messages install system-run system-test converter-env clean

$(INSTALLED): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(INSTALLED)

system-run:
	@scripts/system-packages.sh run

system-test:
	@scripts/system-packages.sh test

converter-env: $(INSTALLED) system-run
	@scripts/converter-env.sh >/dev/null

messages: $(INSTALLED) system-run
	$(PY) manage.py compilemessages --ignore=.venv --ignore=var -v0

run: $(INSTALLED) system-run messages converter-env
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py seed_demo >/dev/null
	$(PY) manage.py simulate_ebox_onboarding
	$(PY) manage.py simulate_register --replace --count $(REGISTER_SIZE) --seed 2026 | tail -n 1
	@# The addresses and the demo logins come last, from the Procfile's « welcome » once the site answers.
	@PRIMAWEB_HOST=$(HOST) PRIMAWEB_PORT=$(PORT) PRIMAWEB_SITE_URL=http://$(HOST):$(PORT) \
		$(PY) scripts/run.py $(VENV)/bin/honcho start -f Procfile

test: $(INSTALLED) system-test messages converter-env
	@scripts/redis-start.sh
	@url="$$(scripts/postgres-url.sh)"; \
	if [ -n "$$url" ]; then echo "Tests on PostgreSQL ($$url)"; else echo "No PostgreSQL server: tests on SQLite"; fi; \
	DATABASE_URL="$$url" $(PY) -m pytest $(PYTEST_ARGS)

# Each bench on its own database (bench/own_database.py: $(BENCH_DATABASE)_<bench>), never the tests' one:
# `make bench` and `make test` can run at once; BENCH_DATABASE=another_name for two `make bench` at once.
BENCH_DATABASE ?= primaweb_bench
bench: $(INSTALLED) messages converter-env
	@url="$$(scripts/postgres-url.sh)"; url="$${url:+$${url%/*}/$(BENCH_DATABASE)}"; \
	for script in bench/bench_*.py; do echo "== $$script"; DATABASE_URL="$$url" $(PY) $$script || exit 1; done

# Every file of the corpus through the upload rules and the real converter, two at a time: prints how
# many were converted, refused (by reason) and failed. CORPUS=folder to run another set.
corpus: $(INSTALLED) messages converter-env
	$(PY) scripts/corpus.py $(CORPUS)

lint: $(INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run -v0
	@# Dead code; what Django finds by name is in pyproject.toml [tool.vulture] and vulture_whitelist.py.
	$(VENV)/bin/vulture

format: $(INSTALLED)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf var
