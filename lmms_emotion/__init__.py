"""lmms-emotion: visual emotion understanding for lmms-eval.

The core package is import-light on purpose: importing ``lmms_emotion`` (or
``lmms_emotion.models``) never imports torch, transformers or lmms-eval, so the
lmms-eval model entry point stays cheap and cannot break other plugins.
"""

__version__ = "0.1.0"

from lmms_emotion.scoring import UNPARSED  # the scoring package owns it (it must not import lmms_emotion)

__all__ = ["__version__", "UNPARSED"]
