"""push-data without --dry-run checks the token and the hub before writing anything (issue 16 item 7)."""

from __future__ import annotations

import huggingface_hub
from huggingface_hub import constants as hf_constants
import pytest

from lmms_emotion.cli import main


def _push(tmp_path, capsys) -> tuple[int, str]:
    code = main(["push-data", "--hf-org", "someorg", "--tasks", "emovit_emoset", "--data-root",
                 str(tmp_path / "no_data_needed"), "--save-to", str(tmp_path / "out")])
    return code, capsys.readouterr().err


@pytest.mark.parametrize("case, words", [
    ("offline", "HF_HUB_OFFLINE=1"),
    ("no token", "no Hugging Face token"),
    ("no answer", "did not answer"),
    ("not a member", "not a member of 'someorg'"),
])
def test_upload_problems_stop_before_anything_is_written(case, words, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(hf_constants, "HF_HUB_OFFLINE", case == "offline")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf_home"))  # no stored token
    monkeypatch.delenv("HF_TOKEN", raising=False)
    if case in ("no answer", "not a member"):
        monkeypatch.setenv("HF_TOKEN", "hf_test_token_not_real")
    if case == "no answer":
        monkeypatch.setattr(hf_constants, "ENDPOINT", "http://127.0.0.1:9")  # nothing listens there
    if case == "not a member":
        monkeypatch.setattr(huggingface_hub.HfApi, "whoami", lambda self: {"name": "alice", "orgs": []})
    code, err = _push(tmp_path, capsys)
    assert code == 2
    first = err.strip().splitlines()[0]
    assert first.startswith("push-data: cannot upload: ") and words in first, err
    assert "Traceback" not in err
    if case != "not a member":
        assert "--dry-run" in first  # says how to write the folders without uploading
    assert not (tmp_path / "out").exists()  # nothing was written
