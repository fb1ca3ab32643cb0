# Each of `make demo` and `make test` is the only command a newcomer needs:
# both create .venv when it is missing and install the project into it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test check lint typecheck bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/plangate demo reservation --yes

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# mypy cannot follow setuptools' editable-install finder, so it reads the package through a
# tree of links named like the installed one: .venv/typecheck/plangate/{__init__.py,tools,...}.
TYPECHECK := $(VENV)/typecheck/plangate

typecheck: $(STAMP)
	rm -rf $(VENV)/typecheck && mkdir -p $(TYPECHECK)
	for entry in __init__.py py.typed tools graphs agents demos; do \
		ln -s "$(CURDIR)/$$entry" "$(TYPECHECK)/$$entry"; done
	$(BIN)/mypy

check: lint typecheck test

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
