"""The scoring package stands on its own: a copy of it imports and scores with ``lmms_emotion``
unimportable, it uses relative imports only, and nothing the upstream export writes carries an
OpenAI client, a rate limiter, a price table or a ``sys.modules`` trick."""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lmms_emotion.upstream.export import MAX_UTILS_LINES, scoring_package_dir

ALLOWED_ABSOLUTE = {"lmms_eval", "PIL", "yaml", "numpy", "scipy", "sklearn"}
"""Third-party packages the scoring package may import (lmms-eval and its own dependencies), inside functions."""

_BLOCKED_RUN = r"""
import importlib.abc, json, sys

class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "lmms_emotion" or name.startswith("lmms_emotion."):
            raise ImportError("lmms_emotion is blocked in this process")
        return None

sys.meta_path.insert(0, Block())
sys.path = [sys.argv[1]] + [p for p in sys.path if "lmms_emotion" not in p]
from emotion_copy import UNPARSED, answers, hooks, judge, labels, lexicon, metrics, prompts

doc = {"id": "t/1", "task": "emotion_closed", "source": "t", "split": "test", "modality": "image", "text": "",
       "label_set": "mikels8", "answer": "fear", "media_types": [], "meta": "{}"}
open_doc = dict(doc, task="emotion_open", answer="sadness")
print("RESULT " + json.dumps({
    "parse": answers.parse_label("I would say the image is scary.", "mikels8"),
    "yes_no": answers.parse_yes_no("No, it is not sarcastic.", "sarcasm"),
    "place": lexicon.place("a quiet melancholy", "mikels8"),
    "acc": hooks.process_results(doc, ["Final answer: fear"])["acc"],
    "open": hooks.process_results_emobench(open_doc, ["Wistful."])["acc"],
    "prompt": hooks.doc_to_text(doc, {"prompt_style": "emovit"}),
    "f1": metrics.macro_f1(["fear", "awe"], ["fear", UNPARSED], ["fear", "awe"]),
    "label_sets": sorted(labels.LABEL_SETS),
    "lmms_emotion": sorted(m for m in sys.modules if m.startswith("lmms_emotion")),
}))
"""


def test_a_copy_imports_and_scores_with_lmms_emotion_blocked(tmp_path):
    shutil.copytree(scoring_package_dir(), tmp_path / "emotion_copy", ignore=shutil.ignore_patterns("__pycache__"))
    proc = subprocess.run([sys.executable, "-c", _BLOCKED_RUN, str(tmp_path)], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    assert proc.returncode == 0 and lines, proc.stdout[-2000:] + proc.stderr[-4000:]
    report = json.loads(lines[0][len("RESULT "):])
    assert report["lmms_emotion"] == []
    assert (report["parse"], report["yes_no"], report["place"]) == ("fear", "no", "sadness")
    assert report["acc"] == 1.0 and report["open"] == {"score": 1.0, "subtask": "emotion_open"}
    assert report["prompt"] == report["prompt"].lower() and "choose exactly one option" in report["prompt"]
    assert report["f1"] == pytest.approx(0.5)  # fear F1 1, awe F1 0 (its one doc unparsed)
    assert {"mikels8", "ekman6", "webemo25", "webemo7", "webemo2", "yes_no"} <= set(report["label_sets"])


def _imports(path: Path) -> list[tuple[int, int, str]]:
    """(line, level, module) of every import statement in a file, nested ones included."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, 0, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.append((node.lineno, node.level, node.module or ""))
    return found


def test_the_package_imports_relatively_and_keeps_its_words_in_data_files():
    package = scoring_package_dir()
    problems = []
    for path in sorted(package.glob("*.py")):
        for line, level, module in _imports(path):
            top = module.split(".")[0]
            if level == 0 and top not in sys.stdlib_module_names and top not in ALLOWED_ABSOLUTE | {"__future__"}:
                problems.append(f"{path.name}:{line}: imports {module}")
    assert problems == []
    data = sorted(p.name for p in (package / "data").glob("*.json"))
    assert data == ["labels.json", "vocabulary.json"]
    vocabulary = json.loads((package / "data" / "vocabulary.json").read_text())
    words = [w for group in vocabulary["groups"].values() for w in group["words"]]
    assert len(words) == len(set(words)) > 500  # one vocabulary: every word once
    for group in vocabulary["groups"].values():
        assert {w for forms in group["closed_set"].values() for w in forms} <= set(group["words"])
    # no second copy of the vocabulary in code: no literal list of emotion words left in any module
    vocabulary_words = set(words)
    for path in package.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.Tuple, ast.List, ast.Set)) and len(node.elts) >= 8:
                strings = [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
                emotional = [w for w in strings if w in vocabulary_words]
                assert len(emotional) < len(node.elts) / 2, (
                    f"{path.name}:{node.lineno}: a literal of {len(emotional)} vocabulary words; keep them in data/")


FORBIDDEN = {
    "an OpenAI client": re.compile(r"\b(?:Async)?OpenAI\s*\(|^\s*(?:import openai|from openai\b)|\bhttpx\b", re.M),
    "a rate limiter": re.compile(r"\b(?:RateLimiter|TokenBucket|rate_limit|tokens_per_minute)\b"),
    "a price table": re.compile(r"\b(?:Pricing|PRICES|price_per|per_1m|usd_per)\w*", re.I),
    "a sys.modules trick": re.compile(r"\bsys\.modules\b"),
    "a durable response cache": re.compile(r"\b(?:ResponseCache|sqlite3|judge_cache)\b"),
}


@pytest.fixture(scope="module")
def export_without_data(tmp_path_factory) -> Path:
    from lmms_emotion.upstream.export import ExportOptions, export_upstream

    out = tmp_path_factory.mktemp("export_no_data")
    export_upstream(ExportOptions(hf_org="someorg", out=out, data_root=out / "no_data"))
    return out


def test_nothing_exported_holds_a_client_limiter_price_table_or_sys_modules_trick(export_without_data):
    files = [p for p in export_without_data.rglob("*") if p.is_file() and p.suffix in (".py", ".json", ".md", ".yaml", "")]
    assert len(files) > 20
    hits = [f"{p.relative_to(export_without_data)}: {what}" for p in files for what, pattern in FORBIDDEN.items()
            if pattern.search(p.read_text(encoding="utf-8"))]
    assert hits == []


def test_every_exported_utils_is_thin(export_without_data):
    tasks = export_without_data / "lmms_eval" / "tasks"
    folders = sorted(p for p in tasks.iterdir() if p.is_dir() and not p.name.startswith("_"))
    assert [p.name for p in folders] == ["emobench", "emovit"]
    for folder in folders:
        lines = (folder / "utils.py").read_text().splitlines()
        assert len(lines) <= MAX_UTILS_LINES, folder
    package = tasks / "_task_utils" / "emotion"
    code = sum(len(p.read_text().splitlines()) for p in package.glob("*.py"))
    print(f"exported scoring package: {code} lines of Python, "
          f"{sum(len(p.read_text().splitlines()) for p in package.glob('data/*.json'))} lines of JSON")
    assert code < 2700  # the target is 2,000; docs/upstream/README.md gives the current figure


def test_the_forbidden_patterns_do_find_what_they_describe():
    """The grep above must be able to fail: each pattern matches the plugin code it keeps out."""
    root = scoring_package_dir().parent
    samples = {"an OpenAI client": root / "instruct" / "client.py", "a rate limiter": root / "instruct" / "ratelimit.py",
               "a price table": root / "instruct" / "pricing.py", "a durable response cache": root / "instruct" / "cache.py"}
    for what, path in samples.items():
        assert FORBIDDEN[what].search(path.read_text(encoding="utf-8")), what
    assert FORBIDDEN["a sys.modules trick"].search("sys.modules[name] = stand_in")
