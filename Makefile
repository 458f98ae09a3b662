# The two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export CORRIDOR_DATA_DIR ?= $(CURDIR)/var

.PHONY: demo test venv lint format messages migrate clean bench system

$(STAMP): pyproject.toml requirements/constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements/constraints.txt -e '.[dev]'
	touch $(STAMP)

# Debian packages outside Python (gettext, Pango and fonts for PDFs, Chromium for browser tests).
system:
	scripts/system-packages

venv: $(STAMP)

messages: system venv
	cd src/corridor && ../../$(BIN)/corridor compilemessages --ignore '.venv' -v 0

demo: venv messages
	$(BIN)/corridor demo $(DEMO_ARGS)

test: venv messages
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy src

format: venv
	$(BIN)/ruff format src tests
	$(BIN)/ruff check --fix src tests

clean:
	rm -rf $(VENV) var

bench: venv
	$(BIN)/python bench/planning.py
	$(BIN)/python bench/simulation.py
	$(BIN)/python bench/load_scenario.py
	$(BIN)/python bench/plan_from_database.py
	$(BIN)/python bench/pages.py
