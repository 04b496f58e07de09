"""Contributing lmms-emotion tasks to lmms-eval itself.

Upstream lmms-eval wants one folder per benchmark under ``lmms_eval/tasks/``, a public
Hugging Face dataset behind every task, and shared task code under
``lmms_eval/tasks/_task_utils/``. This package produces exactly that from our task folders:

* :mod:`.export` copies the scoring package (:mod:`lmms_emotion.scoring`) verbatim to
  ``lmms_eval/tasks/_task_utils/emotion/`` and writes each task folder with hub dataset
  paths and a thin ``utils.py`` that imports its hooks from there;
* :mod:`.task_folder` reads a plugin task folder (YAML with ``!function`` tags, includes);
* :mod:`.hub_data` converts built records and media into the hub dataset layout;
* :mod:`.writeups` writes the exported folders' READMEs and the PR description.

Import-light: nothing here imports datasets, lmms-eval or matplotlib at import time.
"""
