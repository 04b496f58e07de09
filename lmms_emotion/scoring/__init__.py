"""Everything an emotion task needs to score a model's answer, as one self-contained package.

* :mod:`.labels`: every label set (Mikels-8, Ekman-6, WEBEmo 25/7/2, MELD, intents, yes/no)
  and the yes/no concepts;
* :mod:`.lexicon`: the open-set emotion lexicon (wheel groups placed on each label set);
* :mod:`.answers`: the one parser, model text -> label | yes/no | :data:`UNPARSED`;
* :mod:`.prompts`: the question asked for a doc, per prompt style;
* :mod:`.metrics`: accuracy, per-class recall, macro-F1, confusion matrix;
* :mod:`.hooks`: the lmms-eval task hooks (``doc_to_*``, ``process_results``, aggregations);
* :mod:`.judge`: the optional LLM judge for open-set answers, through ``lmms_eval.llm_judge``.

Copyable: relative imports only, word tables in ``data/``, standard library at import time
(PIL and lmms-eval only inside the functions that need them). ``lmms-emotion export-upstream``
copies it verbatim to ``lmms_eval/tasks/_task_utils/emotion/``.
"""

UNPARSED = "unparsed"
"""The label every parser returns when it cannot place a model answer."""

__all__ = ["UNPARSED"]
