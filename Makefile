# Two commands for a new user:
#   make serve   installs the catalogue in .venv and serves it on http://127.0.0.1:8000/ (embedded SQLite)
#   make test    installs everything (with the test extras, Debian's chromium and nginx when missing) and runs every test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: install install-test lint serve test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# the bytecode compiled at install: an editable install compiles nothing, and where PYTHONDONTWRITEBYTECODE is
# set every start would compile every module again (about 0.2 s of a cold start)
install: $(BIN)/python
	$(BIN)/pip install --quiet -e .
	$(BIN)/python -m compileall -q app ingest >/dev/null

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	$(BIN)/python -m compileall -q app ingest >/dev/null
	@command -v chromium >/dev/null 2>&1 || ( [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq chromium >/dev/null ) || echo "chromium manquant : installez le paquet Debian « chromium » pour les tests du navigateur"
	@command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || ( [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq nginx >/dev/null ) || echo "nginx manquant : installez le paquet Debian « nginx » pour les tests de déploiement"

serve: install
	$(BIN)/fiches serve --port $(PORT)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/mypy

test: install-test lint
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q -rs

bench: install-test
	$(BIN)/python -m bench.import_bench 10000
	$(BIN)/python -m bench.search_bench

clean:
	rm -rf $(VENV) var
