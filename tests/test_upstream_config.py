"""One configuration channel: the prompt style comes from the task YAML only, so plain
``lmms-eval --include_path`` and ``lmms-emotion eval`` give the same run, and no environment
variable but the data root changes what a task does.

The runs use a copy of the ``emovit`` folder whose tasks are renamed (``cfg_*``, so they do not
clash with the installed plugin's) and whose template sets the style for the ``dummy`` model.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from lmms_emotion.upstream.task_folder import load_yaml
from tests.fixtures_data import read_results, read_samples, run_cli

TASK = "cfg_emovit_emoset"


def styled_folder(root: Path, style: str, model: str = "dummy") -> Path:
    """A tasks folder: ``task_configs/emovit`` with ``emovit_emoset`` renamed to :data:`TASK` and
    ``<model>: {prompt_style: STYLE}`` in the template's ``lmms_eval_specific_kwargs``."""
    from lmms_emotion.task_configs import task_dir

    source = Path(task_dir()) / "emovit"
    folder = root / f"tasks_{style}" / "cfg_emovit"
    folder.mkdir(parents=True)
    shutil.copytree(source / "_index", folder / "_index")
    shutil.copy(source / "utils.py", folder / "utils.py")
    template = (source / "_default_template_yaml").read_text()
    assert "lmms_eval_specific_kwargs:\n  default:\n" in template
    template = template.replace("lmms_eval_specific_kwargs:\n",
                                f"lmms_eval_specific_kwargs:\n  {model}:\n    prompt_style: {style}\n", 1)
    (folder / "_default_template_yaml").write_text(template)
    task = (source / "emovit_emoset.yaml").read_text().replace("task: emovit_emoset", f"task: {TASK}")
    (folder / f"{TASK}.yaml").write_text(task)
    assert load_yaml(folder / f"{TASK}.yaml")["task"] == TASK
    return folder.parent


def _run(command: list[str], tasks: Path, out: Path, data_root: Path, **env: str) -> dict:
    proc = run_cli([*command, "--include_path", str(tasks), "--model", "dummy", "--model_args", "response=Fear.",
                    "--tasks", TASK, "--output_path", str(out), "--log_samples"], data_root=data_root, **env)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    samples = read_samples(out, TASK)
    return {"results": read_results(out)["results"][TASK], "inputs": [s["input"] for s in samples]}


@pytest.mark.e2e
@pytest.mark.parametrize("style", ["plain", "emovit"])
def test_plain_lmms_eval_and_lmms_emotion_eval_read_the_style_from_the_yaml(style, emoset_root, tmp_path):
    tasks = styled_folder(tmp_path, style)
    plain = _run(["lmms-eval", "eval"], tasks, tmp_path / "plain", emoset_root)
    ours = _run(["lmms-emotion", "eval"], tasks, tmp_path / "ours", emoset_root,
                LMMS_EMOTION_PROMPT_STYLE="plain" if style == "emovit" else "emovit")  # the retired variable: ignored
    assert ours == plain
    assert plain["results"]["acc,none"] == pytest.approx(2 / 16)  # 2 of the 16 images are fear
    styled = [text == text.lower() and not re.search(r"[.!\"()*#:;~]", text) for text in plain["inputs"]]
    assert len(styled) == 16 and all(styled) == (style == "emovit") and any(styled) == (style == "emovit")


def test_the_retired_options_name_their_yaml_replacement(capsys):
    from lmms_emotion import eval_runner

    assert eval_runner.run(["--prompt-style", "emovit", "--model", "dummy", "--tasks", "emovit_emoset"]) == 2
    assert "lmms_eval_specific_kwargs" in capsys.readouterr().err
    assert eval_runner.run(["--judge-model", "gpt-x", "--model", "dummy"]) == 2
    err = capsys.readouterr().err
    assert "--judge-model is no longer an option" in err and "metadata" in err and "_default_template_yaml" in err


def test_no_task_reads_an_lmms_emotion_variable_but_the_data_root():
    """The scoring package reads no environment variable at all; the plugin's loader reads only the data root."""
    from lmms_emotion.upstream.export import scoring_package_dir

    package = scoring_package_dir()
    for path in package.glob("*.py"):
        assert not re.search(r"os\.environ|getenv", path.read_text()), path.name
    root = package.parent
    names = set()
    for path in [root / "task_utils.py", root / "paths.py", root / "eval_runner.py"]:
        names |= set(re.findall(r"LMMS_EMOTION_[A-Z_]+", path.read_text()))
    assert names == {"LMMS_EMOTION_DATA"}
