# policy-kg: two commands.  `make run` builds the sample graph, `make test` checks everything.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test setup lint typecheck unit browser-deps bench notebooks clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

# the package's bytecode, written even where PYTHONDONTWRITEBYTECODE is set (an
# editable install is not compiled by pip): each process of a build would otherwise
# compile every module again (about 0.1 s each)
setup: $(STAMP)
	@$(BIN)/python -m compileall -q kg

run: setup
	$(BIN)/kg build data/docs --out out

browser-deps:
	@bash scripts/setup-browser.sh

lint: setup
	$(BIN)/ruff check kg tests bench
	$(BIN)/ruff format --check kg tests bench

typecheck: setup
	$(BIN)/mypy kg

unit: setup browser-deps
	$(BIN)/python -m pytest

test: lint typecheck unit

# the notebooks run headless into out/notebooks/ (copies with outputs); notebooks/ is untouched
notebooks: setup
	$(BIN)/python scripts/run_notebooks.py --out out/notebooks

bench: setup
	$(BIN)/python bench/bench_build.py

clean:
	rm -rf out .mypy_cache .ruff_cache .pytest_cache
