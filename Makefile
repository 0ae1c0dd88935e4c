# fjo_analysis: every briefing is a file target, so `make -j2` builds in parallel and a
# second `make` does nothing. `make help` lists the targets.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FJO := $(BIN)/fjo
STAMP ?= $(VENV)/.installed

SYNTHETIC := data/raw/synthetic_extract.parquet
EXTRACT := $(or $(FJO_EXTRACT),$(SYNTHETIC))
PROCESSED := data/processed/manifest.json
LIBRARY := $(shell find fjo_analysis -name '*.py' -o -name '*.typ' -o -name '*.j2' -o -name '*.css' -o -name '*.csv')

AREAS := $(sort $(basename $(notdir $(wildcard params/*.yaml))))
TOPICS := $(sort $(basename $(notdir $(wildcard notebooks/*.ipynb))))
BRIEFINGS := $(foreach a,$(AREAS),$(foreach t,$(TOPICS),$(a)/$(t)))
HTML := $(BRIEFINGS:%=reports/%.html)
export FJO_BRIEFING_COUNT := $(words $(BRIEFINGS))
export FJO_RUN_ID := $(shell date +%s%N)

.DEFAULT_GOAL := reports
# One failing briefing never stops the others: keep going, and still exit non-zero.
MAKEFLAGS += --keep-going
.PHONY: help reports data test lint bench clean check
.SECONDARY:
.DELETE_ON_ERROR:

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $@

data: $(PROCESSED) ## build the synthetic extract (unless FJO_EXTRACT is set) and data/processed/

$(SYNTHETIC): fjo_analysis/data/synth.py $(wildcard fjo_analysis/reference/*.csv) | $(STAMP)
	$(FJO) data synth --out $@

$(PROCESSED): $(EXTRACT) fjo_analysis/data/prepare.py fjo_analysis/data/validate.py fjo_analysis/data/schema.py | $(STAMP)
	$(FJO) data prepare

reports: reports/index.html ## build every briefing (HTML, PDF, XLSX) and the index

define BRIEFING_RULE
reports/$(1)/$(2).html reports/$(1)/$(2).pdf reports/$(1)/$(2).xlsx &: notebooks/$(2).ipynb params/$(1).yaml $(PROCESSED) $(LIBRARY) | $(STAMP)
	@$(FJO) build --area $(1) --topic $(2)
endef
$(foreach a,$(AREAS),$(foreach t,$(TOPICS),$(eval $(call BRIEFING_RULE,$(a),$(t)))))

reports/index.html: $(HTML) $(PROCESSED) | $(STAMP)
	$(FJO) index

check: reports ## scan every published output for disclosive numbers
	$(FJO) check reports

test: | $(STAMP) ## run the test suite (installs chromium for the browser tests if missing)
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils fonts-liberation >/dev/null; }
	$(BIN)/python -m pytest

lint: | $(STAMP) ## ruff check and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: | $(STAMP) ## benchmark the build and print a table (writes benchmarks/results.json)
	$(BIN)/python benchmarks/run.py

clean: ## remove generated files (keeps .venv)
	rm -rf build data reports/*/ reports/index.html
