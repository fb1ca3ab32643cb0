# Each of `make demo` and `make test` is the only command a newcomer needs:
# both create .venv when it is missing and install the project into it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo path-hint test test-times check lint typecheck docs bench clean console-vendor

# The big install shows pip's progress (a package per line, and a bar per download on a
# terminal), so a first `make demo` is never minutes of silence. CI keeps its log short.
PIP_PROGRESS := $(if $(CI),--quiet,--progress-bar on)

$(STAMP): pyproject.toml
	@echo "Installing plangate and its dependencies into $(VENV) (a minute or two the first time)..."
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install $(PIP_PROGRESS) -e ".[dev]"
	@touch $(STAMP)
	@echo "Installed into $(VENV)."

demo: $(STAMP)
	$(BIN)/plangate demo reservation --yes
	@$(MAKE) --no-print-directory path-hint

# .venv/bin is not on the PATH of the shell that ran make: say how to put it there.
path-hint:
	@echo ""
	@echo "plangate is installed in $(VENV), which is not on your PATH. Either activate it:"
	@echo "    source $(BIN)/activate"
	@echo "    plangate run reservation \"Book a table for 2 in Lisbon tomorrow at 8pm\""
	@echo "or call it by its path: $(BIN)/plangate --help"

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
	for entry in __init__.py client.py py.typed tools graphs agents demos; do \
		ln -s "$(CURDIR)/$$entry" "$(TYPECHECK)/$$entry"; done
	$(BIN)/mypy

# No test may depend on the hour or the day: the whole suite runs again with the wall clock
# (time.time, datetime.now, date.today...) moved by time-machine to two very different moments,
# a Saturday just before midnight and a Wednesday afternoon in summer time (tests/conftest.py
# reads $$PLANGATE_TEST_WALLCLOCK). A test that read the wall clock instead of an injected clock
# would fail at one of them, whatever the hour CI runs at. Tests marked `cluster` or `processes`
# (the docs' shell blocks, the example project's own pytest) run once, in
# `make test`: their processes (API servers, workers) run at a pinned moment of their own and do
# not see the moved clock, and each takes minutes.
WALL_CLOCKS := 2026-12-05T23:30:00+00:00 2027-06-16T14:00:00+00:00

test-times: $(STAMP)
	@for at in $(WALL_CLOCKS); do \
		echo "== the tests with the wall clock at $$at"; \
		PLANGATE_TEST_WALLCLOCK=$$at $(BIN)/python -m pytest -q -p no:cacheprovider -m "not cluster and not processes" tests \
			|| exit 1; \
	done

# The documentation site (.ci/mkdocs.yml, pages in docs/) into .site/: --strict makes a broken
# link, anchor or API reference fail the build. Run as `python -m mkdocs`: the `mkdocs` script
# would put .venv/bin on the import path, where griffe takes the `plangate` script for the package.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/python -m mkdocs build --strict --quiet -f .ci/mkdocs.yml

check: lint typecheck docs test test-times

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	$(BIN)/python -m bench

# The web console's UI library (Preact + htm), committed as the ES modules npm publishes: this
# refreshes them and their hashes in demos/console/static/vendor/vendor.json. Maintainers only
# need npm for it; users never do.
console-vendor: $(STAMP)
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && cd "$$tmp" \
		&& npm pack --silent preact@10 htm@3 >/dev/null \
		&& for pkg in preact htm; do mkdir "$$pkg" && tar xzf "$$pkg"-*.tgz -C "$$pkg"; done \
		&& cd "$(CURDIR)" && $(BIN)/python -m plangate.demos.console.vendor "$$tmp"

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .site
