# lmms-emotion: the two commands a fresh machine needs.
#   make eval   set up, then the whole loop on generated data: train a tiny EmoVIT, evaluate it untrained,
#               trained and the answer key through lmms-eval, compare the three (MODEL=/EMOSET=: evaluate one model)
#   make test   set up, run the whole test suite (what CI runs)

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.lmms-emotion-installed

# make eval variables. With neither MODEL nor EMOSET set, `make eval` runs the demo loop below;
# with either, it evaluates MODEL (default the answer key, emotion_oracle) on EMOSET (default a generated sample).
MODEL ?=
MODEL_ARGS ?=
TASKS ?= emovit_emoset
EMOSET ?=
DATA_ROOT ?= $(CURDIR)/build/data
OUT ?= $(CURDIR)/runs
LIMIT ?=
EVAL_FLAGS ?=
# make test: two pytest workers (pytest-xdist; CI has 2 cores); how files are handed out to them
# (whole files, long end-to-end files first) is set once, in pytest.ini
PYTEST_WORKERS ?= -n 2

$(STAMP): setup.py .ci/constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install torch==2.14.1 torchvision==0.29.1
	$(BIN)/python -m pip install -c .ci/constraints.txt -e ".[test]"
	touch $(STAMP)

.PHONY: setup eval test clean browser
setup: $(STAMP) browser

# Chromium renders the compare report in tests/test_report_browser.py; installed from Debian's packages when missing.
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
		{ [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && apt-get update -qq && \
		  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
		echo "make setup: could not install Chromium; install it (apt-get install -y chromium) or the browser test fails"

# The demo loop (make eval with no variables): a learnable generated EmoSet (one colour per emotion), the test
# kit's tiny InstructBLIP with EmoVIT's 32 queries, EmoVIT's recipe for 300 steps, three lmms-eval runs, one report.
DEMO := $(CURDIR)/build/demo
DEMO_MARGIN ?= 40
DEMO_ENV := OMP_NUM_THREADS=1 TOKENIZERS_PARALLELISM=false
DEMO_EVAL := $(DEMO_ENV) $(BIN)/lmms-emotion eval --data-root $(DEMO)/data --tasks emovit_emoset --log_samples

eval: $(STAMP)
ifeq ($(strip $(MODEL)$(EMOSET)),)
	rm -rf $(DEMO)
	$(BIN)/lmms-emotion sample-data emoset --learnable --out $(DEMO)/EmoSet-118K
	$(BIN)/lmms-emotion build-data emoset --raw $(DEMO)/EmoSet-118K --data-root $(DEMO)/data
	$(DEMO_ENV) $(BIN)/python -c "from lmms_emotion.testing.tiny_models import LEARNABLE_TINY_SEED as seed, build_tiny_instructblip as build; \
		print('tiny EmoVIT base:', build('$(DEMO)/tiny_emovit', seed=seed, num_query_tokens=32))"
	$(DEMO_EVAL) --model emovit --model_args pretrained=$(DEMO)/tiny_emovit,scoring=likelihood \
		--output_path $(DEMO)/runs/untrained
	$(DEMO_ENV) $(BIN)/lmms-emotion train emovit --base $(DEMO)/tiny_emovit --dataset emoset:train \
		--data-root $(DEMO)/data --output-dir $(DEMO)/trained --max-steps 300 --lr 3e-3 --warmup-steps 0 \
		--batch-size 8 --save-steps 1000 --disable-tqdm
	$(DEMO_EVAL) --model emovit --model_args pretrained=$(DEMO)/trained,scoring=likelihood \
		--output_path $(DEMO)/runs/trained
	$(DEMO_EVAL) --model emotion_oracle --model_args mode=gold --output_path $(DEMO)/runs/answer_key
	$(BIN)/lmms-emotion compare untrained=$(DEMO)/runs/untrained trained=$(DEMO)/runs/trained \
		answer_key=$(DEMO)/runs/answer_key --out $(DEMO)/report --title "make eval: a tiny EmoVIT, before and after training" \
		--expect-better trained untrained $(DEMO_MARGIN)
	@echo "report: $(DEMO)/report/report.html"
else
ifeq ($(strip $(EMOSET)),)
	$(BIN)/lmms-emotion sample-data emoset --out $(CURDIR)/build/sample/EmoSet-118K
	$(BIN)/lmms-emotion build-data emoset --raw $(CURDIR)/build/sample/EmoSet-118K --data-root $(DATA_ROOT)
else
	$(BIN)/lmms-emotion build-data emoset --raw $(EMOSET) --data-root $(DATA_ROOT)
endif
	$(BIN)/lmms-emotion eval --data-root $(DATA_ROOT) --model $(or $(MODEL),emotion_oracle) \
		$(if $(MODEL_ARGS),--model_args $(MODEL_ARGS),) \
		--tasks $(TASKS) $(if $(LIMIT),--limit $(LIMIT),) --output_path $(OUT) --log_samples $(EVAL_FLAGS)
endif

test: $(STAMP) browser
	$(BIN)/python -m pytest -q $(PYTEST_WORKERS) tests

clean:
	rm -rf $(VENV) build runs
