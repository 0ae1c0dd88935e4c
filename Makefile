# fjo_analysis: every briefing is a file target, so `make -j2` builds in parallel and a
# second `make` does nothing. `make help` lists the targets.
#
# The graph (targets ← prerequisites):
#   build/stamps/extract.json, settings.json ← written by `fjo stamp` before make plans,
#       each only when its content changes (the extract by path and SHA-256)
#   data/raw/synthetic_extract.parquet ← made when missing; made again by `fjo stamp` when
#       its generator changes (by content), replaced only when its content changes
#   data/processed/manifest.json ← the extract stamp (+ data/raw/synthetic_extract.parquet
#       when FJO_EXTRACT is unset), the data code                          [fjo data prepare]
#   build/stats/manifest.json ← processed manifest, settings stamp, measures/ stats/
#       figures/ disclosure* reference* geography.py                               [fjo stats]
#   reports/<area>/<topic>.{html,pdf,xlsx} ← stats manifest, settings stamp,
#       notebooks/<topic>.ipynb, params/<area>.yaml, the code a briefing imports
#       (fjo_analysis/imports.py) and the templates it reads                    [fjo build]
#       (a briefing with nothing to publish: build/skipped/<area>/<topic>, see SKIPPED)
#   reports/wales/<topic>.cy.{html,pdf,xlsx,csv} ← as the English briefing, and the Welsh
#       catalogue and glossary (fjo_analysis/i18n/)                [fjo build --lang cy]
#   reports/methods.{html,pdf}, figures.csv ← stats manifest, release stamp     [fjo release]
#   reports/index.html ← every briefing's HTML, the release files, index.py and templates
#       [fjo audit reports, then fjo index: a refused audit writes no index]

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FJO := $(BIN)/fjo
STAMP ?= $(VENV)/.installed
LOCK := build/make.lock

# Is make only looking (-n, -q)? Then it writes nothing, needs no lock and runs directly.
LOOKING := $(findstring n,$(firstword -$(MAKEFLAGS)))$(findstring q,$(firstword -$(MAKEFLAGS)))
GOALS := $(or $(MAKECMDGOALS),reports)

ifeq ($(FJO_LOCKED)$(LOOKING)$(filter help,$(GOALS)),)
# ---------------------------------------------------------------------------------------
# Two makes in one checkout would overwrite each other's files: each make re-runs itself
# holding build/make.lock, so a second one waits (and says so) until the first is done.
.PHONY: $(GOALS)
$(firstword $(GOALS)):
	@mkdir -p build
	@flock -n -E 75 $(LOCK) $(MAKE) --no-print-directory FJO_LOCKED=1 $(MAKECMDGOALS); rc=$$?; \
	if [ $$rc -eq 75 ]; then \
	  echo "make: another make is building in this checkout ($(LOCK) is locked); waiting for it" >&2; \
	  flock $(LOCK) $(MAKE) --no-print-directory FJO_LOCKED=1 $(MAKECMDGOALS); rc=$$?; \
	fi; exit $$rc
$(wordlist 2,$(words $(GOALS)),$(GOALS)): $(firstword $(GOALS)) ; @:
else
# ---------------------------------------------------------------------------------------

SYNTHETIC := data/raw/synthetic_extract.parquet
PROCESSED := data/processed/manifest.json
STATS := build/stats/manifest.json
EXTRACT_STAMP := build/stamps/extract.json
SETTINGS_STAMP := build/stamps/settings.json
# Release information (date, next update, status, contact, previous release): shown by the
# briefings, the methods page and the index, never used by the statistics.
RELEASE_STAMP := build/stamps/release.json
RELEASE_VARS := SOURCE_DATE_EPOCH FJO_RELEASE_DATE FJO_NEXT_UPDATE FJO_STATISTICS_STATUS FJO_CONTACT FJO_PREVIOUS_RELEASE

# Before planning: record which extract (by SHA-256) and which disclosure settings this
# build uses, and check the processed data and statistics against their manifests (a
# manifest whose files are missing or changed is removed, so its stage is rebuilt). The
# statistics manifest is checked when it lists "files": {name: SHA-256}, as prepare's does.
# A bad setting or a missing FJO_EXTRACT stops make here, with the variable named.
ifneq ($(filter-out help clean lint test bench accessibility quarto reference-hashes translations hexmap,$(GOALS)),)
ifneq ($(wildcard $(FJO)),)
# ($(shell) in make 4.3 does not see variables given on make's command line: pass them.)
STAMP_ENV := $(foreach v,FJO_ROOT FJO_EXTRACT FJO_SUPPRESS_BELOW FJO_ROUND_TO $(RELEASE_VARS),$(if $(filter command line,$(origin $(v))),$(v)='$($(v))'))
STAMPED := $(shell $(STAMP_ENV) $(FJO) stamp $(PROCESSED) --if-listed $(STATS) >&2; echo $$?)
ifneq ($(STAMPED),0)
$(error fjo stamp failed (see above); nothing was built)
endif
# The code version every document of this run states, worked out once (git describe)
# rather than by each of its builds.
export FJO_CODE_VERSION := $(or $(FJO_CODE_VERSION),$(shell $(STAMP_ENV) $(FJO) version))
# (this make builds: the profiles' parameters below are written as it plans)
PLANNING := yes
endif
endif

# The synthetic extract is make's own file, so its date is enough; a real extract is known
# by the stamp (content), which also lets its path contain spaces.
SOURCE := $(if $(FJO_EXTRACT),,$(SYNTHETIC))

# Directories or files that may not exist yet: find only those that do, never `find .`.
files_under = $(if $(wildcard $(1)),$(shell find $(wildcard $(1)) -type f \( -name '*.py' -o -name '*.csv' -o -name '*.typ' -o -name '*.j2' -o -name '*.css' -o -name '*.json' -o -name '*.yaml' \) -not -path '*/__pycache__/*'))
DATA_CODE := $(filter-out %/synth.py,$(call files_under,fjo_analysis/data)) fjo_analysis/geography.py $(call files_under,fjo_analysis/reference)
STATS_CODE := $(call files_under,fjo_analysis/measures fjo_analysis/stats fjo_analysis/figures \
	fjo_analysis/disclosure* fjo_analysis/reference* fjo_analysis/geography.py)
# What a briefing's code is: the modules its notebook and the builder import, directly or
# not, and the templates and reference tables they read (read from the source, no import).
BRIEFING_CODE := $(shell $(PYTHON) fjo_analysis/imports.py briefing)

AREAS := $(sort $(basename $(notdir $(wildcard params/*.yaml))))
TOPICS := $(filter-out profile,$(sort $(basename $(notdir $(wildcard notebooks/*.ipynb)))))
BRIEFINGS := $(foreach a,$(AREAS),$(foreach t,$(TOPICS),$(a)/$(t)))
# A briefing with nothing to publish for this extract (the public-law topics of a
# private-law-only extract) leaves, instead of its outputs, a record of why
# (build/skipped/<area>/<topic>[.cy], written afresh each time): make plans it by that
# record, so the next make does nothing, and builds it again, as any briefing, when the
# statistics or its code change (it then publishes, and removes the record).
SKIPPED := $(patsubst build/skipped/%,%,$(wildcard build/skipped/*/*))
outputs_of = $(if $(filter $(1),$(SKIPPED)),build/skipped/$(1),$(foreach f,html pdf xlsx csv,reports/$(1).$(f)))
HTML := $(foreach b,$(BRIEFINGS),$(firstword $(call outputs_of,$(b))))
# Welsh (issue 14): every briefing about Wales also in Welsh, the same notebook run with
# lang=cy, published beside the English as <topic>.cy.<format>.
WELSH_AREAS := $(filter wales,$(AREAS))
WELSH_BRIEFINGS := $(foreach a,$(WELSH_AREAS),$(foreach t,$(TOPICS),$(a)/$(t).cy))
WELSH_CATALOGUE := fjo_analysis/i18n/locale/cy/LC_MESSAGES/fjo.po fjo_analysis/i18n/glossary.csv
HTML += $(foreach b,$(WELSH_BRIEFINGS),$(firstword $(call outputs_of,$(b))))
# (the profiles, defined below, count too: a recursive variable, expanded when used)
export FJO_BRIEFING_COUNT = $(words $(BRIEFINGS) $(WELSH_BRIEFINGS) $(PROFILE_CODES) $(WELSH_PROFILE_CODES))
export FJO_RUN_ID := $(shell date +%s%N)

.DEFAULT_GOAL := reports
# One failing briefing never stops the others: keep going, and still exit non-zero.
MAKEFLAGS += --keep-going
.PHONY: help reports data stats test lint bench accessibility clean check quarto reference-hashes translations hexmap
# No .SECONDARY: every target here is explicit (never an intermediate make may delete), and
# a secondary target that is missing is not remade, which would hide a removed manifest.
# No .DELETE_ON_ERROR: every fjo step publishes by renaming a finished file, so a failed
# step leaves the last good output in place (and older than its inputs, so it is retried).

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $@

# Made here when fjo was not installed yet as make started (the first build).
$(EXTRACT_STAMP) $(SETTINGS_STAMP) $(RELEASE_STAMP) &: | $(STAMP)
	$(FJO) stamp

data: $(PROCESSED) ## build the synthetic extract (unless FJO_EXTRACT is set) and data/processed/

# Made here when missing; fjo stamp makes it again when its generator's code changes (by
# content), replacing it only when its content changes: so touching or commenting synth.py
# rebuilds nothing, and a change in what it generates rebuilds everything after it.
$(SYNTHETIC): | $(STAMP)
	$(FJO) data synth --out $@

$(PROCESSED): $(EXTRACT_STAMP) $(SOURCE) $(DATA_CODE) | $(STAMP)
	$(FJO) data prepare

stats: $(STATS) ## compute and protect every published figure (build/stats/)

$(STATS): $(PROCESSED) $(SETTINGS_STAMP) $(STATS_CODE) | $(STAMP)
	$(FJO) stats

reports: reports/index.html ## build every briefing (HTML, PDF, XLSX), audit the release, write the index

# One document: `fjo build`, asked through the warm builder's light client (standard
# library only, it starts in a third of the time; it hands over to `fjo build`, which
# starts the warm builder, when none is listening).
BUILD := $(BIN)/python -I -S fjo_analysis/warm_client.py

define BRIEFING_RULE
$(call outputs_of,$(1)/$(2)) &: notebooks/$(2).ipynb params/$(1).yaml $(STATS) $(SETTINGS_STAMP) $(RELEASE_STAMP) $(BRIEFING_CODE) | $(STAMP)
	@$(BUILD) --area $(1) --topic $(2)
endef
$(foreach a,$(AREAS),$(foreach t,$(TOPICS),$(eval $(call BRIEFING_RULE,$(a),$(t)))))

define WELSH_BRIEFING_RULE
$(call outputs_of,$(1)/$(2).cy) &: notebooks/$(2).ipynb params/$(1).yaml $(STATS) $(SETTINGS_STAMP) $(RELEASE_STAMP) $(BRIEFING_CODE) $(WELSH_CATALOGUE) | $(STAMP)
	@$(BUILD) --area $(1) --topic $(2) --lang cy
endef
$(foreach a,$(WELSH_AREAS),$(foreach t,$(TOPICS),$(eval $(call WELSH_BRIEFING_RULE,$(a),$(t)))))

# The release-wide outputs: the methods and quality page and the CSV of all figures.
RELEASE_FILES := reports/methods.html reports/methods.pdf reports/methods.cy.html reports/methods.cy.pdf \
	reports/figures.csv reports/figures-dictionary.csv
RELEASE_CODE := $(call files_under,fjo_analysis/publish.py fjo_analysis/methods.py \
	fjo_analysis/revisions.py fjo_analysis/release.py fjo_analysis/render/csv.py \
	fjo_analysis/render/methods_page.py fjo_analysis/render/pdf.py fjo_analysis/render/templates)
$(RELEASE_FILES) &: $(PROCESSED) $(STATS) $(RELEASE_STAMP) $(RELEASE_CODE) $(WELSH_CATALOGUE) \
		$(wildcard notebooks/*.ipynb params/*.yaml) | $(STAMP)
	$(FJO) release

# Local profiles (issue 13): one per 2024 local authority and family court area,
# reports/profiles/<code>.*. Their parameters are generated from the reference geography
# while make plans (`fjo profiles params` rewrites a build/profiles/params/<code>.json only
# when it changes, before make reads any file's time, and lists the codes), so changing
# one area's parameters rebuilds only its profile, and changing notebooks/profile.ipynb
# only profiles. (A project without notebooks/profile.ipynb, e.g. a test's mini project,
# has none.)
ifneq ($(and $(PLANNING),$(wildcard notebooks/profile.ipynb)),)
PROFILE_CODES := $(shell $(STAMP_ENV) $(FJO) profiles params; echo $$?)
ifneq ($(lastword $(PROFILE_CODES)),0)
$(error fjo profiles params failed (see above); nothing was built)
endif
PROFILE_CODES := $(filter-out 0,$(PROFILE_CODES))
endif
PROFILE_PARAMS := $(PROFILE_CODES:%=build/profiles/params/%.json)
PROFILE_HTML := $(PROFILE_CODES:%=reports/profiles/%.html)
.PHONY: profiles
profiles: $(PROFILE_HTML) ## build every local profile (HTML, PDF, XLSX, CSV)
define PROFILE_RULE
reports/profiles/$(1).html reports/profiles/$(1).pdf reports/profiles/$(1).xlsx reports/profiles/$(1).csv &: notebooks/profile.ipynb build/profiles/params/$(1).json $(STATS) $(SETTINGS_STAMP) $(RELEASE_STAMP) $(BRIEFING_CODE) | $(STAMP)
	@$(BUILD) --area profiles --topic $(1)
endef
$(foreach c,$(PROFILE_CODES),$(eval $(call PROFILE_RULE,$(c))))
# The profiles of Wales's authorities and family court areas in Welsh too (issue 14):
# reports/profiles/W06....cy.*, reports/profiles/SWANSEA.cy.* (i18n.about_wales says which;
# tests/test_welsh.py checks the court areas named here are Wales's, all of them).
WELSH_COURT_AREAS := NORTH_WALES SOUTH_EAST_WALES SWANSEA
WELSH_PROFILE_CODES = $(filter W06% $(WELSH_COURT_AREAS),$(PROFILE_CODES))
define WELSH_PROFILE_RULE
reports/profiles/$(1).cy.html reports/profiles/$(1).cy.pdf reports/profiles/$(1).cy.xlsx reports/profiles/$(1).cy.csv &: notebooks/profile.ipynb build/profiles/params/$(1).json $(STATS) $(SETTINGS_STAMP) $(RELEASE_STAMP) $(BRIEFING_CODE) $(WELSH_CATALOGUE) | $(STAMP)
	@$(BUILD) --area profiles --topic $(1) --lang cy
endef
$(foreach c,$(WELSH_PROFILE_CODES),$(eval $(call WELSH_PROFILE_RULE,$(c))))
PROFILE_HTML += $(WELSH_PROFILE_CODES:%=reports/profiles/%.cy.html)
reports/index.html: $(PROFILE_HTML)

# The release audit refuses (non-zero) a release whose suppressed cells can be narrowed:
# then no index is written.
INDEX_CODE := $(call files_under,fjo_analysis/index.py fjo_analysis/render/templates)
reports/index.html: $(HTML) $(RELEASE_FILES) $(STATS) $(RELEASE_STAMP) $(INDEX_CODE) | $(STAMP)
	$(FJO) audit reports
	$(FJO) index

check: reports ## scan every published output for disclosive numbers
	$(FJO) check reports

test: | $(STAMP) ## run the test suite (installs chromium, poppler-utils and fonts for it if missing)
	@command -v chromium >/dev/null && command -v pdftotext >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils fonts-liberation >/dev/null; }
	$(BIN)/python -m pytest

lint: | $(STAMP) ## ruff check and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

reference-hashes: | $(STAMP) ## rebuild the reference set; store its SHA-256 (tests/reference_hashes.json)
	$(FJO) hashes --write tests/reference_hashes.json

# Quarto renders a topic notebook through Jupyter with the same parameters (_quarto.yml,
# each notebook's front matter): make quarto AREA=london TOPIC=infants.
AREA ?= london
TOPIC ?= infants
quarto: | $(STAMP) ## render one notebook with Quarto, if installed (AREA=london TOPIC=infants)
	@command -v quarto >/dev/null || { echo "make quarto: Quarto is not installed, so nothing was rendered (install it from https://quarto.org/docs/get-started/; make reports builds every briefing without it)" >&2; exit 1; }
	@$(MAKE) --no-print-directory $(STATS)
	quarto render notebooks/$(TOPIC).ipynb -P area:$$($(BIN)/python -c "import yaml; print(yaml.safe_load(open('params/$(AREA).yaml'))['code'])")

bench: | $(STAMP) ## benchmark the build and print a table (writes benchmarks/results.json)
	$(BIN)/python benchmarks/run.py

# Every page of the built release through axe-core in Chromium (the tests check a sample).
accessibility: | $(STAMP) ## axe-core over every HTML page in reports/ (make reports first)
	$(BIN)/python -m tests.chromium reports

# The hex map layout of the 2024 authorities is shipped; this derives it again from the
# district map and the lookup (fjo_analysis/hexmap.py; a test checks the two agree).
hexmap: | $(STAMP) ## derive the hex map layout (fjo_analysis/reference/hexmap_la_2024.csv)
	$(FJO) hexmap

# Reader-facing strings (templates, modules, the notebooks' published cells) into the Welsh
# catalogue: new and changed strings arrive empty (no guessing from similar ones: a fuzzy
# guess would be published), for the translator to fill and mark for review.
translations: | $(STAMP) ## extract reader-facing strings and update the Welsh catalogue (Babel)
	@mkdir -p build
	$(BIN)/pybabel -q extract -F babel.cfg --sort-by-file --project fjo_analysis -o build/fjo.pot .
	$(BIN)/pybabel -q update -i build/fjo.pot -d fjo_analysis/i18n/locale -D fjo -l cy --init-missing --ignore-obsolete --no-fuzzy-matching

clean: ## remove generated files (keeps .venv, and the lock this make holds)
	rm -rf data reports/*/ reports/index.html
	rm -f reports/methods.html reports/methods.pdf reports/*.csv
	find build -mindepth 1 -maxdepth 1 ! -name make.lock -exec rm -rf {} +

endif
