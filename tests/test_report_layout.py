"""What a reader of a comparison report expects: one unit, headline groups first, notes only where they
apply, legible confusion matrices, old and new results files, and a margin check for CI."""

from __future__ import annotations

import csv
import json
import re
import shutil
from itertools import pairwise

import pytest

from lmms_emotion.report.build import ReportOptions, build_report, margin_failures
from lmms_emotion.report.runs import load_runs
from lmms_emotion.report.write import write_report
from tests.fixtures_runs import TASK, synthetic_suite

MIKELS = ["amusement", "awe", "contentment", "excitement", "anger", "disgust", "fear", "sadness"]
FAST = ReportOptions(n_resamples_test=200, n_resamples_ci=200, plots=False)


def _rows(source: str, n: int, right: int, labels: list[str] = MIKELS, label_set: str = "mikels8") -> list[dict]:
    rows = []
    for i in range(n):
        gold = labels[i % len(labels)]
        pred = gold if i < right else labels[(i + 1) % len(labels)]
        rows.append({"id": f"{source}/test/{i:03d}", "gold": gold, "pred": pred, "label_set": label_set})
    return rows


def _tables(markdown: str) -> list[list[list[str]]]:
    """Every Markdown table as rows of cells (header first, separator dropped)."""
    tables, current = [], []
    for line in markdown.splitlines() + [""]:
        if line.startswith("|"):
            if not line.startswith("|---"):
                current.append([cell.strip().strip("*") for cell in line.strip("|").split(" | ")])
        elif current:
            tables.append(current)
            current = []
    return tables


def test_every_score_column_is_in_percent(real_runs, tmp_path):
    """The EmoBench open-set table once mixed percent (acc) with fractions (lexicon_acc, acc_image)."""
    task = "emobench_emotion_open_image"
    run = synthetic_suite(real_runs["gold"], tmp_path / "open", {task: _rows("emo_o", 16, 6)},
                          extra_metrics={"lexicon_acc": 0.25, "acc_image": 0.375})
    files = write_report(load_runs([f"open={run}"]), tmp_path / "out", FAST)
    md = files.markdown.read_text()
    scores = next(t for t in _tables(md) if t[0][:4] == ["rank", "run", "acc", "95% CI"])
    header, row = scores[0], scores[1]
    cells = dict(zip(header, row))
    assert (cells["acc"], cells["lexicon_acc"], cells["acc_image"], cells["unparsed_rate"]) == (
        "37.50", "25.00", "37.50", "0.00")
    # no cell of any table is a bare fraction; every score cell has the percent format
    for table in _tables(md):
        for line in table[1:]:
            for cell in line:
                assert not re.fullmatch(r"0\.\d{3,}", cell), (table[0], cell)
    assert md.count("percentages (0-100") == 1  # the unit is stated once
    assert "in %" not in md


def test_a_metric_that_is_not_a_fraction_leaves_the_tables(real_runs, tmp_path):
    run = synthetic_suite(real_runs["gold"], tmp_path / "r", {TASK: _rows("emoset", 16, 8)},
                          extra_metrics={"judge_score": 7.5})
    files = write_report(load_runs([f"r={run}"]), tmp_path / "out", FAST)
    md = files.markdown.read_text()
    assert "judge_score" not in next(t for t in _tables(md) if t[0][:2] == ["rank", "run"] and "95% CI" in t[0])[0]
    assert f"{TASK}: metric judge_score is not a fraction (e.g. 7.5)" in md
    rows = list(csv.DictReader(files.leaderboard_csv.open()))
    assert any(r["metric"] == "judge_score" and float(r["value"]) == 7.5 for r in rows)


def test_headline_groups_come_first_then_sub_groups_then_tasks(real_runs, tmp_path):
    groups = {"emobench_sarcasm": ["emobench_sarcasm_image"],
              "emobench": ["emobench_sarcasm", "emobench_humor_image"]}
    tasks = {"emobench_sarcasm_image": _rows("mmsd2", 10, 5, ["yes", "no"], "yes_no"),
             "emobench_humor_image": _rows("memotion", 10, 7, ["yes", "no"], "yes_no")}
    bench = synthetic_suite(real_runs["gold"], tmp_path / "bench", tasks, groups=groups)
    loose = synthetic_suite(real_runs["gold"], tmp_path / "loose", {TASK: _rows("emoset", 16, 4)})
    files = write_report(load_runs([f"loose={loose}", f"bench={bench}"]), tmp_path / "out", FAST)
    headings = [line for line in files.markdown.read_text().splitlines() if line.startswith("## ")]
    assert headings[:3] == ["## Leaderboard: emobench", "## Leaderboard: emobench_sarcasm", "## Leaderboard: tasks"]
    assert headings.index("## Notes") < min(i for i, h in enumerate(headings) if h.startswith("## Task "))
    board = {(r["kind"], r["name"], r["run"]): r for r in csv.DictReader(files.leaderboard_csv.open())
             if r["metric"] == "acc"}
    assert float(board[("group", "emobench", "bench")]["value"]) == pytest.approx((0.5 + 0.7) / 2)
    assert board[("group", "emobench", "bench")]["note"] == "lmms-eval"


def test_paper_notes_only_where_paper_numbers_exist(real_runs, tmp_path):
    task = "emobench_sarcasm_image"
    run = synthetic_suite(real_runs["gold"], tmp_path / "bench", {task: _rows("mmsd2", 6, 3, ["yes", "no"], "yes_no")})
    results = next(run.glob("*_results.json"))
    data = json.loads(results.read_text())
    data["n-samples"][task] = {"original": 16, "effective": 6}
    results.write_text(json.dumps(data))
    emoset = synthetic_suite(real_runs["gold"], tmp_path / "emoset", {TASK: _rows("emoset", 16, 8)})
    data = json.loads(next(emoset.glob("*_results.json")).read_text())
    data["n-samples"][TASK] = {"original": 20, "effective": 16}
    next(emoset.glob("*_results.json")).write_text(json.dumps(data))
    notes = build_report(load_runs([f"bench={run}", f"emoset={emoset}"]), FAST).notes
    assert f"bench scored 6 of the 16 docs of {task} (--limit)." in notes
    assert f"emoset scored 16 of the 20 docs of {TASK} (--limit); the paper numbers use the full test set." in notes
    assert not any("paper" in note for note in notes if task in note)


def test_a_subset_run_is_left_out_of_rankings_with_the_reason(real_runs, tmp_path):
    full_a = synthetic_suite(real_runs["gold"], tmp_path / "a", {TASK: _rows("emoset", 16, 12)}, model_args="a")
    full_b = synthetic_suite(real_runs["gold"], tmp_path / "b", {TASK: _rows("emoset", 16, 8)}, model_args="b")
    part = synthetic_suite(real_runs["gold"], tmp_path / "c", {TASK: _rows("emoset", 16, 6)[:6]}, model_args="c")
    runs = load_runs([f"a={full_a}", f"b={full_b}", f"c={part}"])
    data = build_report(runs, FAST)
    section = data.tasks[0]
    assert [(row.run, row.ranked, row.n) for row in section.rows] == [("a", True, 16), ("b", True, 16),
                                                                       ("c", False, 6)]
    assert section.unranked == {"c": "scored 6 of the 16 records the runs cover (38% < 80%)"}
    assert f"c is not ranked on {TASK}: it scored 6 of the 16 records the runs cover (38% < 80%)." in data.notes
    assert {(t.a, t.b) for t in section.tests} == {("a", "b")}
    # c answered its 6 records right: on all 16 records it would not beat a, and it is not placed above it
    assert section.rows[2].primary == 1.0
    assert margin_failures(data, "c", "b", 10) == [
        f"{TASK}: c and b are not both ranked, so they cannot be compared"]


def test_per_class_from_samples_with_old_and_new_results_files(real_runs, tmp_path):
    """lmms-eval results with per_class_acc (old) and without it (new, kept in the samples only)."""
    old = tmp_path / "old"
    shutil.copytree(real_runs["fear"], old)
    new = tmp_path / "new"
    shutil.copytree(real_runs["fear"], new)
    results = next(new.glob("*_results.json"))
    data = json.loads(results.read_text())
    for entry in data["results"].values():
        for key in [k for k in entry if k.startswith("per_class_acc")]:
            del entry[key]
    results.write_text(json.dumps(data))
    per_class = {}
    for name, path in (("old", old), ("new", new)):
        section = next(s for s in build_report(load_runs([f"{name}={path}"]), FAST).tasks if s.task == TASK)
        per_class[name] = section.per_class.values[name]
    assert per_class["old"] == per_class["new"] == {c: (1.0 if c == "fear" else 0.0) for c in MIKELS}
    # results without samples still give the per-class table from the results file
    bare = tmp_path / "bare"
    shutil.copytree(real_runs["fear"], bare)
    for samples in bare.glob("*_samples_*.jsonl"):
        samples.unlink()
    section = next(s for s in build_report(load_runs([f"bare={bare}"]), FAST).tasks if s.task == TASK)
    assert section.per_class.values["bare"]["fear"] == 1.0 and section.rows[0].ci is None


def test_confusion_figures_grow_and_stay_legible_at_25_classes():
    from lmms_emotion.report.plots import LABEL_POINTS, confusion_figure, figure_pixels
    from lmms_emotion.scoring.labels import get_label_set

    labels = list(get_label_set("webemo25").labels)
    assert len(labels) == 25
    assert figure_pixels(labels)[0] > figure_pixels(MIKELS)[0] + 400
    golds = [label for label in labels for _ in range(2)]
    figure = confusion_figure(golds, golds[::-1], labels, "webemo25")
    renderer = figure.canvas.get_renderer()
    axes = figure.axes[0]
    for ticks, axis in ((axes.get_xticklabels(), 0), (axes.get_yticklabels(), 1)):
        assert len(ticks) == (26 if axis == 0 else 25) and all(t.get_fontsize() >= LABEL_POINTS >= 8 for t in ticks)
        boxes = sorted((t.get_window_extent(renderer).get_points()[:, axis] for t in ticks), key=lambda b: b[0])
        for (_, end), (start, _) in pairwise(boxes):
            assert start >= end, "tick labels overlap"
    assert all(text.get_fontsize() >= 8 for text in axes.texts)
    # the labels stay inside the picture
    width, height = figure.canvas.get_width_height()
    for tick in axes.get_xticklabels() + axes.get_yticklabels():
        (x0, y0), (x1, y1) = tick.get_window_extent(renderer).get_points()
        assert 0 <= x0 and x1 <= width and 0 <= y0 and y1 <= height


def test_expect_better_exit_status(real_runs, tmp_path, capsys):
    from lmms_emotion.cli import main

    specs = [f"{name}={path}" for name, path in real_runs.items()]
    common = ["compare", *specs, "--no-plots", "--n-resamples", "100", "--n-resamples-ci", "100"]
    assert main([*common, "--out", str(tmp_path / "ok"), "--expect-better", "gold", "fear", "80"]) == 0
    assert "expectation met: gold beats fear by at least 80 points" in capsys.readouterr().out
    assert main([*common, "--out", str(tmp_path / "no"), "--expect-better", "gold", "fear", "90"]) == 1
    err = capsys.readouterr().err
    assert f"expectation failed: {TASK}: gold 100.00% vs fear 12.50% on 16 records: margin +87.50 points" in err
    assert main([*common, "--out", str(tmp_path / "bad"), "--expect-better", "gold", "fear", "lots"]) == 2
    assert "POINTS must be a number" in capsys.readouterr().err
