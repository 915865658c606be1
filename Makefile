# ARF Evaluation Workbench. Two commands on a fresh machine with python3 and make:
#   make report   set up, then build the full evaluation report from the bundled data
#   make test     set up, then run the test suite
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
KERNEL := arf-eval
STAMP := $(VENV)/.installed
CONFIG ?= survey_data/synthetic/2025/evaluation.yaml

.PHONY: setup report test test-fast lint hooks lab bench synth clean help

help:
	@echo "make report   build reports/2025/region/report.html and the 2025-2026 comparison"
	@echo "make test     run the tests (sets itself up)"
	@echo "make lab      open JupyterLab with the '$(KERNEL)' kernel"
	@echo "make bench    run the benchmarks (benchmarks/results.json)"
	@echo "make synth    regenerate the committed synthetic waves"
	@echo "make lint     ruff check, ruff format --check, mypy (CI runs it before the tests)"
	@echo "make hooks    install the pre-commit hooks (notebook outputs, large files, secrets)"

# The virtual environment is rebuilt only when pyproject.toml changes.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "ARF evaluation" >/dev/null
	@touch $(STAMP)

setup: $(STAMP)

report: $(STAMP)
	$(BIN)/arf-eval run --config $(CONFIG) --scope region
	$(BIN)/arf-eval compare --waves 2025 2026
	@echo
	@echo "Report:     reports/2025/region/report.html (tables/, figures/, themes/, manifest.json)"
	@echo "Comparison: reports/2025-2026/region/report.html"

test: $(STAMP)
	$(BIN)/python -m pytest -q --durations=25

test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

hooks: $(STAMP)
	$(BIN)/pre-commit install

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks

bench: $(STAMP)
	$(BIN)/python -m benchmarks

synth: $(STAMP)
	$(BIN)/arf-eval synth --wave 2025 --respondents 274 --seed 1 --out survey_data/synthetic/2025
	$(BIN)/arf-eval synth --wave 2026 --respondents 274 --seed 1 --out survey_data/synthetic/2026

clean:
	rm -rf $(VENV) reports/*/ .pytest_cache
