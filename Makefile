# lmms-emotion: the two commands a fresh machine needs.
#   make eval   set up, build data, evaluate a model through lmms-eval (see README for variables)
#   make test   set up, run the whole test suite (what CI runs)

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.lmms-emotion-installed

# make eval variables (defaults: a generated EmoSet-layout sample and the answer-key model)
MODEL ?= emotion_oracle
MODEL_ARGS ?=
TASKS ?= emovit_emoset
EMOSET ?=
DATA_ROOT ?= $(CURDIR)/build/data
OUT ?= $(CURDIR)/runs
LIMIT ?=
EVAL_FLAGS ?=

$(STAMP): setup.py .ci/constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install torch==2.14.1 torchvision==0.29.1
	$(BIN)/python -m pip install -c .ci/constraints.txt -e ".[test]"
	touch $(STAMP)

.PHONY: setup eval test clean
setup: $(STAMP)

eval: $(STAMP)
ifeq ($(strip $(EMOSET)),)
	$(BIN)/lmms-emotion sample-data emoset --out $(CURDIR)/build/sample/EmoSet-118K
	$(BIN)/lmms-emotion build-data emoset --raw $(CURDIR)/build/sample/EmoSet-118K --data-root $(DATA_ROOT)
else
	$(BIN)/lmms-emotion build-data emoset --raw $(EMOSET) --data-root $(DATA_ROOT)
endif
	$(BIN)/lmms-emotion eval --data-root $(DATA_ROOT) --model $(MODEL) $(if $(MODEL_ARGS),--model_args $(MODEL_ARGS),) \
		--tasks $(TASKS) $(if $(LIMIT),--limit $(LIMIT),) --output_path $(OUT) --log_samples $(EVAL_FLAGS)

test: $(STAMP)
	$(BIN)/python -m pytest -q tests

clean:
	rm -rf $(VENV) build runs
