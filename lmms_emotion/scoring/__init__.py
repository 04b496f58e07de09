"""Everything an emotion task needs to score a model's answer, as one self-contained package.

Being assembled (issue 14): it will hold the label sets, the answer parser, the open-set
lexicon, the prompts, the metrics and the lmms-eval task hooks, so that
``lmms-emotion export-upstream`` can copy it verbatim into lmms-eval's
``lmms_eval/tasks/_task_utils/``. Today it holds :mod:`.judge`, the optional open-set LLM
judge through ``lmms_eval.llm_judge``.

Rules that keep it copyable: relative imports only, word tables as data files beside the
code, nothing imported from the rest of ``lmms_emotion``, standard library at import time.
"""

UNPARSED = "unparsed"
"""The label every parser returns when it cannot place a model answer."""

__all__ = ["UNPARSED"]
