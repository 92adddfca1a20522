# Set-up and everyday commands. `make run` and `make test` are all a fresh machine needs.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: install run test lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,postgres]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/flask --app feedsvc ingest seeds
	$(BIN)/flask --app feedsvc digest build --all-digests --date latest
	FEEDSVC_CLOCK_IN_WEB=true $(BIN)/flask --app feedsvc run --host $(HOST) --port $(PORT)

test: install
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/python -m pip install --quiet ruff mypy
	$(BIN)/ruff check feedsvc tests bench
	$(BIN)/mypy feedsvc

bench: install
	$(BIN)/python bench/ingest.py

clean:
	rm -rf $(VENV) instance .pytest_cache
