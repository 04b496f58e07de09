"""Contributing lmms-emotion tasks to lmms-eval itself.

Upstream lmms-eval wants one folder per benchmark under ``lmms_eval/tasks/``, a public
Hugging Face dataset behind every task and a ``utils.py`` that imports nothing outside
lmms-eval. This package produces exactly that from our task folders:

* :mod:`.vendor` writes the self-contained ``utils.py`` by inlining, at export time, the
  parts of our own modules the task hooks use (so the parser stays single-sourced);
* :mod:`.hub_hooks` holds the few hooks that differ for hub-hosted data (images from the
  dataset's ``image`` column, videos from files in the dataset repository);
* :mod:`.task_folder` reads a plugin task folder (YAML with ``!function`` tags, includes);
* :mod:`.hub_data` converts built records and media into the hub dataset layout;
* :mod:`.export` writes the upstream task folders, their READMEs and the PR description.

Import-light: nothing here imports datasets, lmms-eval or matplotlib at import time.
"""
