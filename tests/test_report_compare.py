"""`lmms-emotion compare` on three real lmms-eval output folders, checked against hand computation.

The runs (tests/fixtures_runs.py) score the 16 generated EmoSet test images (2 per
Mikels class): the answer-key oracle (all right), the dummy model answering "Fear."
(right on the 2 fear images only) and the dummy answering "A" on the first 8 docs
(never an emotion: all unparsed).
"""

from __future__ import annotations

import base64
import csv
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image

from lmms_emotion.report.build import ReportOptions
from lmms_emotion.report.plots import figure_pixels
from lmms_emotion.report.runs import load_runs
from lmms_emotion.report.write import write_report
from tests.fixtures_data import run_cli
from tests.fixtures_runs import GROUP, TASK, synthetic_run

MIKELS = ["amusement", "awe", "contentment", "excitement", "anger", "disgust", "fear", "sadness"]
FIGURE_PIXELS = figure_pixels(MIKELS)


@pytest.fixture(scope="module")
def report(real_runs, tmp_path_factory):
    runs = load_runs([f"{name}={path}" for name, path in real_runs.items()])
    out = tmp_path_factory.mktemp("report")
    return write_report(runs, out, ReportOptions(n_resamples_test=2000, n_resamples_ci=1000))


def _csv(path: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text())))


def _leaderboard(report) -> dict[tuple, dict]:
    return {(r["kind"], r["name"], r["run"], r["metric"]): r for r in _csv(report.leaderboard_csv)}


def test_runs_read_from_real_files(real_runs):
    runs = {r.label: r for r in load_runs([f"{name}={path}" for name, path in real_runs.items()])}
    assert set(runs) == {"gold", "fear", "letter_a"}
    assert runs["gold"].groups == {GROUP: [TASK]} and runs["gold"].tasks == [TASK]
    assert runs["letter_a"].groups == {} and runs["letter_a"].n_samples(TASK) == (8, 16)
    samples = runs["fear"].samples(TASK)
    assert len(samples) == 16 and {s.pred for s in samples} == {"fear"} and all(s.id for s in samples)
    assert sorted(s.gold for s in samples) == sorted(MIKELS * 2)
    assert {s.response for s in samples} == {"Fear."}


def test_task_scores_match_hand_computation(report):
    board = _leaderboard(report)
    # oracle: 16/16 right; "Fear.": 2/16; "A": 0/8
    assert float(board[("task", TASK, "gold", "acc")]["value"]) == 1.0
    assert float(board[("task", TASK, "fear", "acc")]["value"]) == pytest.approx(2 / 16)
    assert float(board[("task", TASK, "letter_a", "acc")]["value"]) == 0.0
    # macro-F1 of "always fear": F1(fear) = 2*2 / (2*2 + 14 false positives) = 2/9, the 7 other classes 0
    assert float(board[("task", TASK, "fear", "macro_f1")]["value"]) == pytest.approx((2 / 9) / 8)
    assert float(board[("task", TASK, "letter_a", "unparsed_rate")]["value"]) == 1.0
    assert board[("task", TASK, "letter_a", "acc")]["n"] == "8" and board[("task", TASK, "letter_a", "acc")]["n_total"] == "16"
    # a run that is always right has a degenerate interval; "Fear." has one around 2/16
    gold = board[("task", TASK, "gold", "acc")]
    assert float(gold["ci_low"]) == float(gold["ci_high"]) == 1.0
    fear = board[("task", TASK, "fear", "acc")]
    assert 0.0 <= float(fear["ci_low"]) < 2 / 16 < float(fear["ci_high"]) <= 0.5
    from lmms_emotion.report.significance import bootstrap_ci

    assert (float(fear["ci_low"]), float(fear["ci_high"])) == pytest.approx(bootstrap_ci([1.0] * 2 + [0.0] * 14, 1000))


def test_group_leaderboard(report):
    board = _leaderboard(report)
    # the scratch group aggregates macro_f1 only, so acc is the mean of its (one) task
    assert float(board[("group", GROUP, "gold", "acc")]["value"]) == 1.0
    assert board[("group", GROUP, "gold", "acc")]["note"] == "mean of tasks"
    assert float(board[("group", GROUP, "fear", "acc")]["value"]) == pytest.approx(0.125)
    md = report.markdown.read_text()
    table = md.split(f"## Leaderboard: {GROUP}")[1].split("##")[0]
    ranks = [line.split("|")[2].strip() for line in table.splitlines() if re.match(r"\| \d ", line)]
    assert ranks == ["gold", "fear"]  # letter_a scored 8 of the 16 records: below the 80 % needed to be ranked
    unranked = [line for line in table.splitlines() if "letter_a" in line and line.startswith("|")]
    assert len(unranked) == 1 and unranked[0].startswith("| – | letter_a |") and "0.00 (n=8)" in unranked[0]
    assert f"{TASK} (n=16) |" in table
    assert "Not ranked: letter_a (emovit_emoset: scored 8 of the 16 records the runs cover (50% < 80%))." in table


def test_per_class_table(report):
    rows = {(r["run"], r["class"]): r for r in _csv(report.per_class_csv) if r["task"] == TASK}
    assert all(float(rows[("gold", c)]["accuracy"]) == 1.0 for c in MIKELS)
    assert float(rows[("fear", "fear")]["accuracy"]) == 1.0
    assert all(float(rows[("fear", c)]["accuracy"]) == 0.0 for c in MIKELS if c != "fear")
    assert all(rows[("gold", c)]["n_gold"] == "2" for c in MIKELS)
    md = report.markdown.read_text()
    assert "| fear | 0.00 | 0.00 | 0.00 | 0.00 | 0.00 | 0.00 | 100.00 | 0.00 |" in md


def test_paired_tests_only_between_ranked_runs(report):
    tests = {(r["a"], r["b"]): r for r in _csv(report.pairwise_csv)}
    assert set(tests) == {("gold", "fear")}  # letter_a is not ranked, so not tested
    gold_fear = tests[("gold", "fear")]
    assert (gold_fear["n_paired"], gold_fear["only_a"], gold_fear["only_b"], gold_fear["paired_by"]) == (
        "16", "0", "0", "id")
    # gold wins 14 discordant records, fear none: exact two-sided sign test p = 2 / 2**14
    assert float(gold_fear["mean_diff"]) == pytest.approx(14 / 16) and gold_fear["significant"] == "True"
    assert float(gold_fear["p_value"]) == pytest.approx(2 / 2 ** 14) == float(gold_fear["p_holm"])


def test_a_run_on_a_subset_is_ranked_on_shared_records_only(real_runs, tmp_path):
    """With --min-shared 0.5 the 8-record run is ranked, and every run is scored on those 8 records."""
    runs = load_runs([f"{name}={path}" for name, path in real_runs.items()])
    files = write_report(runs, tmp_path / "half", ReportOptions(n_resamples_test=500, n_resamples_ci=200,
                                                                min_shared=0.5))
    limited_ids = {s.id for s in runs[2].samples(TASK)}
    fears = sum(1 for s in runs[0].samples(TASK) if s.id in limited_ids and s.gold == "fear")
    board = _leaderboard(files)
    assert {name: board[("task", TASK, name, "acc")]["n"] for name in ("gold", "fear", "letter_a")} == {
        "gold": "8", "fear": "8", "letter_a": "8"}
    assert float(board[("task", TASK, "fear", "acc")]["value"]) == pytest.approx(fears / 8)
    assert board[("task", TASK, "fear", "acc")]["note"] == "on the records the ranked runs share"
    # macro-F1 and the unparsed rate are recomputed on the 8 records too, not copied from the 16-record run
    golds = [s.gold for s in runs[1].samples(TASK) if s.id in limited_ids]
    from lmms_emotion.scoring.metrics import macro_f1

    assert float(board[("task", TASK, "fear", "macro_f1")]["value"]) == pytest.approx(
        macro_f1(golds, ["fear"] * 8, MIKELS))
    tests = {(r["a"], r["b"]): r for r in _csv(files.pairwise_csv)}
    assert len(tests) == 3 and {t["n_paired"] for t in tests.values()} == {"8"}
    md = files.markdown.read_text()
    scores = md.split(f"## Task {TASK}")[1].split("### Per-class")[0]
    assert "| 8 of 16 |" in scores and "Ranked runs scored on the 8 records they all share." in scores
    assert all(f"\n| {rank} | " in scores for rank in (1, 2, 3))  # every run ranked


def test_holm_matches_hand_computed_adjusted_p_values():
    from lmms_emotion.report.stats import PairedTest, holm

    raw = [0.01, 0.04, 0.03, 0.005]
    tests = [PairedTest("t", f"a{i}", "b", "id", 10, 0, 0, 0.5, 0.5, 0.0, 0.0, 0.0, p) for i, p in enumerate(raw)]
    # sorted 0.005, 0.01, 0.03, 0.04 -> 4*0.005 = 0.02, 3*0.01 = 0.03, 2*0.03 = 0.06, max(1*0.04, 0.06) = 0.06
    assert [t.p_holm for t in holm(tests)] == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert [t.significant for t in holm(tests)] == [True, False, False, True]


def test_confusion_pngs_open_with_fixed_size(report):
    assert len(report.pictures) == 3
    for path in report.pictures:
        with Image.open(path) as image:
            image.verify()
        with Image.open(path) as image:
            assert image.format == "PNG" and image.size == FIGURE_PIXELS
    assert len({p.read_bytes() for p in report.pictures}) == 3


def test_confusion_cells_are_row_normalised_counts():
    from lmms_emotion.report.plots import confusion_figure, row_normalised

    golds = ["fear", "fear", "fear", "awe"]
    preds = ["fear", "awe", "unparsed", "awe"]
    figure = confusion_figure(golds, preds, ["awe", "fear"], "t")
    axes = figure.axes[0]
    cells = {(round(t.get_position()[1]), round(t.get_position()[0])): t.get_text() for t in axes.texts}
    # rows: gold (awe, fear); columns: predicted (awe, fear, unparsed/other)
    assert cells == {(0, 0): "1", (1, 0): "1", (1, 1): "1", (1, 2): "1"}
    shares = axes.images[0].get_array()
    assert shares.tolist() == row_normalised([[1, 0, 0], [1, 1, 1]])
    assert [t.get_text() for t in axes.get_xticklabels()] == ["awe", "fear", "unparsed/other"]


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables = 0
        self.images: list[dict] = []
        self.urls: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if tag == "table":
            self.tables += 1
        if tag == "img":
            self.images.append(attrs)
        for key in ("src", "href"):
            if key in attrs and not attrs[key].startswith(("data:", "#")):
                self.urls.append(attrs[key])


def test_html_page_is_self_contained_and_complete(report):
    page = report.html.read_text()
    parser = _PageParser()
    parser.feed(page)
    md = report.markdown.read_text()
    # runs, group leaderboard, task scores, per-class accuracy, paired tests
    assert parser.tables == md.count("\n|---|") == 5
    assert parser.urls == [] and "link" not in parser.tags
    assert len(parser.images) == 3
    for attrs in parser.images:
        assert attrs["src"].startswith("data:image/png;base64,")
        image = Image.open(io.BytesIO(base64.b64decode(attrs["src"].split(",", 1)[1])))
        assert image.format == "PNG" and image.size == FIGURE_PIXELS
        assert (int(attrs["width"]), int(attrs["height"])) == FIGURE_PIXELS
    assert not re.search(r"https?://", page)
    # the same numbers as the Markdown: every task-score row appears as table cells
    for run, acc in (("gold", "100.00"), ("fear", "12.50"), ("letter_<wbr>a", "0.00")):
        assert f"<td>{run}</td><td class=\"num\"><span>{acc}</span></td>" in page
    assert "<td>EmoVIT (paper)</td><td class=\"num\"><span>83.36</span> <span>(in-domain)</span></td>" in page


def test_paper_rows_are_labelled_everywhere(report):
    md = report.markdown.read_text()
    assert "TinyEmo Table VIII" in md
    assert "| – | *EmoVIT (paper)* | *83.36 (in-domain)* | – |" in md
    board = _leaderboard(report)
    paper = board[("task", TASK, "EmoVIT (paper)", "acc")]
    assert paper["source"] == "paper" and float(paper["value"]) == pytest.approx(0.8336)
    assert "TinyEmo" in paper["note"] and "in-domain" in paper["note"]
    summary = json.loads(report.summary_json.read_text())
    assert any("TinyEmo" in note for note in summary["notes"])
    assert any("letter_a scored 8 of the 16 docs" in note for note in summary["notes"])


def test_emobench_is_labelled_rebuilt(real_runs, tmp_path):
    rows = [{"id": f"sarcasm/test/{i}", "gold": "yes" if i % 2 else "no", "pred": "yes", "label_set": "yes_no"}
            for i in range(10)]
    run = synthetic_run(real_runs["gold"], tmp_path / "bench", rows, task="emobench_sarcasm_image")
    files = write_report(load_runs([f"sarcasm={run}"]), tmp_path / "out",
                         ReportOptions(n_resamples_test=200, n_resamples_ci=200))
    label = "EmoBench, rebuilt from public sources"
    assert label in files.markdown.read_text() and label in files.html.read_text()
    board = _csv(files.leaderboard_csv)
    assert {r["benchmark"] for r in board} == {label}
    assert all(r["source"] == "run" for r in board)  # no paper numbers for the rebuilt EmoBench
    assert float(next(r for r in board if r["metric"] == "acc")["value"]) == 0.5


def test_compare_cli(real_runs, tmp_path):
    out = tmp_path / "cli"
    proc = run_cli(["lmms-emotion", "compare", *(f"{n}={p}" for n, p in real_runs.items()), "--out", str(out),
                    "--n-resamples", "500", "--n-resamples-ci", "200", "--baseline", "gold"])
    assert proc.returncode == 0, proc.stderr
    assert f"{TASK}: best gold acc 100.00%" in proc.stdout
    pairs = {(r["a"], r["b"]) for r in _csv(out / "pairwise.csv")}
    assert pairs == {("fear", "gold")}  # letter_a (8 of 16 records) is not ranked
    assert f"{TASK}: letter_a not ranked: scored 8 of the 16 records" in proc.stdout
    for name in ("report.md", "report.html", "leaderboard.csv", "per_class.csv", "summary.json"):
        assert (out / name).is_file()


def test_compare_cli_reports_bad_input(tmp_path, real_runs):
    proc = run_cli(["lmms-emotion", "compare", str(tmp_path / "nope"), "--out", str(tmp_path / "o")])
    assert proc.returncode == 2 and "does not exist" in proc.stderr
    broken = tmp_path / "broken"
    broken.mkdir()
    results = next(real_runs["fear"].glob("*_results.json"))
    (broken / results.name).write_text(results.read_text())
    samples = next(real_runs["fear"].glob("*_samples_*.jsonl"))
    (broken / samples.name).write_text(samples.read_text()[:-40])
    proc = run_cli(["lmms-emotion", "compare", str(broken), "--out", str(tmp_path / "o")])
    assert proc.returncode == 2 and f"{samples.name}:16: not valid JSON" in proc.stderr
