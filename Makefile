# Pause: every job has one target. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Python 3.10 is needed by Rasa 3.6; override with `make PYTHON=/path/to/python3.10 ...`.
PYTHON ?= $(shell for p in $$(ls -d "$$(pyenv root 2>/dev/null)"/versions/3.10.*/bin/python 2>/dev/null) python3.10 python3; do \
	if "$$p" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' >/dev/null 2>&1; then echo "$$p"; break; fi; done)
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
RASA := RASA_TELEMETRY_ENABLED=false $(BIN)/rasa
SPACY_MODEL := var/spacy/pause_en
MODEL := models/pause.tar.gz
TRAINING_FILES := config.yml domain.yml $(shell find data -name '*.yml' 2>/dev/null) $(SPACY_MODEL)/meta.json
HOST ?= 127.0.0.1
RASA_PORT ?= 5005
ACTIONS_PORT ?= 5055
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONPATH := $(CURDIR)

.PHONY: help setup spacy train validate db-upgrade run actions shell test test-unit test-conversations test-browser browser-deps \
	content-check nlu-eval report demo bench load clean lock teams-package

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-20s %s\n", $$1, $$2}'

$(BIN)/.installed: requirements.txt
	@test -n "$(PYTHON)" || { echo "Python 3.10 not found: set PYTHON=/path/to/python3.10"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check uv==0.13.9 || true
	if [ -x $(BIN)/uv ]; then $(BIN)/uv pip install --quiet --python $(PY) -r requirements.txt; \
	else $(PY) -m pip install --quiet -r requirements.txt; fi
	touch $@

setup: $(BIN)/.installed ## Create .venv with Python 3.10 and the pinned dependencies

$(SPACY_MODEL)/meta.json: $(BIN)/.installed bot/nlp/pipeline.py bot/nlp/__main__.py $(wildcard bot/nlp/patterns/* bot/nlp/names/*)
	$(PY) -m bot.nlp build $(SPACY_MODEL)

spacy: $(SPACY_MODEL)/meta.json ## Build the project's own spaCy pipeline (blank English, spelling rules, trained name recogniser)

$(MODEL): $(BIN)/.installed $(TRAINING_FILES) $(wildcard components/*.py) $(wildcard bot/nlp/risk/*.yml)
	$(RASA) train --fixed-model-name pause --out models --quiet
	touch $@

train: $(MODEL) ## Train the Rasa model when data, config or domain changed

validate: $(BIN)/.installed ## Check the training data and domain (warnings fail)
	$(PY) scripts/validate.py

db-upgrade: $(BIN)/.installed ## Migrate the outcome database to the latest schema
	$(PY) -m bot db upgrade

run: $(MODEL) db-upgrade ## Start the action server (5055) and Rasa (5005); Ctrl-C stops both
	HOST=$(HOST) RASA_PORT=$(RASA_PORT) ACTIONS_PORT=$(ACTIONS_PORT) scripts/serve.sh

actions: $(BIN)/.installed ## Start only the action server
	$(BIN)/rasa run actions --actions actions -p $(ACTIONS_PORT)

shell: $(MODEL) db-upgrade ## Talk to Pause in the terminal (starts the action server too)
	SHELL_MODE=1 HOST=$(HOST) RASA_PORT=$(RASA_PORT) ACTIONS_PORT=$(ACTIONS_PORT) scripts/serve.sh

content-check: $(BIN)/.installed ## Fail on any expired or malformed content entry
	$(PY) -m bot content check

test-unit: $(SPACY_MODEL)/meta.json ## Unit tests (no trained model needed)
	$(PY) -m pytest -q -m "not model and not browser" tests

test-conversations: $(MODEL) ## Conversation tests against real Rasa and action servers
	$(RASA) test core --model $(MODEL) --stories tests/stories --fail-on-prediction-errors --out results/core --no-plot
	$(RASA) test core --model $(MODEL) --stories data/stories --fail-on-prediction-errors --out results/core-stories --no-plot
	$(PY) -m pytest -q -m "model and not browser" tests

# Debian's Chromium (root or sudo) and axe-core from package-lock.json, for the browser tests.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CHROMIUM := /usr/bin/chromium
AXE := node_modules/axe-core/axe.min.js

$(AXE): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

browser-deps: $(AXE) ## Install what the browser tests need: Chromium (apt-get) and axe-core (npm ci)
	@test -x $(CHROMIUM) || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium; }

test-browser: $(MODEL) browser-deps ## The web widget in Chromium: keyboard, clicks, crisis, reload, markup, axe-core scan
	$(PY) -m pytest -q -m browser tests

nlu-eval: $(MODEL) ## Judge understanding on the frozen sets through the whole pipeline; fails below the floor, prints the bars
	$(PY) -m tests.nlu.evaluate --set frozen --out results/nlu

test: $(BIN)/.installed ## Everything: content check, unit tests, validation, training, conversation tests
	$(MAKE) --no-print-directory content-check
	$(MAKE) --no-print-directory test-unit
	$(MAKE) --no-print-directory validate
	$(MAKE) --no-print-directory train
	$(MAKE) --no-print-directory test-conversations
	$(MAKE) --no-print-directory test-browser
	$(MAKE) --no-print-directory nlu-eval

report: $(BIN)/.installed ## Print the pilot figures
	$(PY) -m bot report

demo: $(BIN)/.installed ## List the trainer demo scenarios; NAME=x replays one against the running bot (STEP=1: Enter before each turn)
	@if [ -n "$(NAME)" ]; then $(PY) -m bot demo play "$(NAME)" --url http://$(HOST):$(RASA_PORT) $(if $(STEP),--step); \
	else $(PY) -m bot demo list; fi

bench: $(MODEL) ## Measure latency, throughput, memory and training time beside Rasa's starter bot
	$(PY) scripts/bench.py

LOAD_SENDERS ?= 50
LOAD_MESSAGES ?= 5000
load: $(MODEL) ## Load test: LOAD_SENDERS (50) concurrent conversations, LOAD_MESSAGES (5000) mixed messages
	$(PY) scripts/load.py --senders $(LOAD_SENDERS) --messages $(LOAD_MESSAGES) $(LOAD_ARGS)

teams-package: $(BIN)/.installed ## Build dist/pause-teams.zip for Microsoft Teams (needs PAUSE_TEAMS_APP_ID)
	$(PY) scripts/teams_package.py --out dist/pause-teams.zip

clean: ## Remove trained models, results, caches and local databases
	rm -rf models results .rasa var .pytest_cache
	find . -name __pycache__ -not -path './.venv/*' -prune -exec rm -rf {} +

lock: $(BIN)/.installed ## Regenerate requirements.txt from the installed environment
	$(BIN)/uv pip freeze --python $(PY) | grep -v -e '^uv==' -e '^-e ' > requirements.frozen
	{ sed -n '1,3p' requirements.txt; cat requirements.frozen; } > requirements.txt.new && mv requirements.txt.new requirements.txt && rm requirements.frozen
