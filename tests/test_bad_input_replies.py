"""Replies that are not valid UTF-8 (issue 16 item 6): scored, and written to the samples file.

The guard is a filter in every task's ``filter_list`` (``hooks.UTF8SafeReplies``), so it
covers lmms-eval's own model wrappers too; the end-to-end test uses lmms-eval's ``dummy``.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from lmms_emotion import task_utils
from lmms_emotion.scoring import hooks
from tests.fixtures_data import BIN, cli_env, read_samples

LONE = "Fear \udcff\ud800."  # lone surrogates: what a decode with errors="surrogateescape" leaves


def test_utf8_safe_replaces_only_what_cannot_be_written():
    assert hooks.utf8_safe(LONE) == "Fear \ufffd\ufffd."
    assert hooks.utf8_safe("Joy 😊 ünïcode") == "Joy 😊 ünïcode"
    assert hooks.utf8_safe([[LONE, "ok"], ("x\ud800",), 3]) == [["Fear \ufffd\ufffd.", "ok"], ("x\ufffd",), 3]
    out = hooks.UTF8SafeReplies().apply([[LONE], ["fine"]], docs=[{}, {}])
    assert out == [["Fear \ufffd\ufffd."], ["fine"]]
    for replies in out:
        replies[0].encode("utf-8")  # writable


@pytest.mark.parametrize("task", ["emovit_emoset", "emobench_emotion_closed_image"])
def test_every_task_filters_replies_first(task):
    from lmms_eval.tasks import TaskManager

    from lmms_emotion.discovery import plugin_task_dirs

    manager = TaskManager("ERROR", include_path=plugin_task_dirs(), include_defaults=False)
    config = manager._get_config(task)
    (pipeline,) = config["filter_list"]
    assert pipeline["name"] == "none"  # metrics keep their "acc,none" keys
    first = pipeline["filter"][0]["function"]
    assert first is hooks.UTF8SafeReplies or getattr(first, "__name__", "") == "UTF8SafeReplies"


def test_response_cache_serializer_is_guarded_once():
    from lmms_eval.caching import response_cache

    assert task_utils.guard_response_cache() and task_utils.guard_response_cache()
    serialize = response_cache._serialize_response
    assert serialize([LONE]).encode("utf-8") and "\\ufffd" not in serialize([LONE])  # real characters, not escapes
    assert json.loads(serialize([LONE])) == ["Fear \ufffd\ufffd."]
    task_utils.guard_response_cache()
    assert response_cache._serialize_response is serialize  # not wrapped twice


@pytest.mark.e2e
def test_surrogate_reply_is_scored_and_logged(emoset_root, tmp_path):
    out = tmp_path / "out"
    # argv carries \udcff as the raw byte 0xff (surrogateescape); the dummy model replies with it as is
    # (lmms-eval echoes the model arguments, so its output is read with errors="replace")
    proc = subprocess.run([str(BIN / "lmms-emotion"), "eval", "--model", "dummy", "--model_args", "response=Fear \udcff.",
                           "--tasks", "emovit_emoset", "--limit", "4", "--output_path", str(out), "--log_samples",
                           "--use_cache", str(tmp_path / "cache")],  # lmms-eval's cache stores raw replies
                          env=cli_env(emoset_root), capture_output=True, text=True, errors="replace", timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    samples = read_samples(out, "emovit_emoset")
    assert len(samples) == 4
    for sample in samples:
        reply = sample["filtered_resps"] if isinstance(sample["filtered_resps"], str) else sample["filtered_resps"][0]
        assert reply == "Fear \ufffd." and sample["macro_f1"]["pred"] == "fear"
