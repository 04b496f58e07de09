"""The HTML report in a real browser: headless Chromium (Debian's ``chromium`` package, which
``make setup`` installs) renders it at 1280 px wide; the main tables must fit without scrolling
sideways, and the screenshot is what docs/images/compare_report_chromium.png shows.

Set ``LMMS_EMOTION_SCREENSHOT_DIR=docs/images`` to refresh that picture from this test;
``LMMS_EMOTION_SKIP_BROWSER=1`` skips the test on a machine without Chromium (it fails otherwise).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from html import unescape
from pathlib import Path

import pytest
from PIL import Image

from lmms_emotion.report.build import ReportOptions
from lmms_emotion.report.runs import load_runs
from lmms_emotion.report.write import write_report
from tests.fixtures_runs import synthetic_suite

pytestmark = pytest.mark.e2e

WIDTH = 1280
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
PAPER_TASKS = ("emovit_emotionroi", "emovit_emoset", "emovit_webemo25", "emovit_emotion6", "emovit_fi",
               "emovit_artphoto", "emovit_abstract", "emovit_unbiasedemo")
MIKELS = ["amusement", "awe", "contentment", "excitement", "anger", "disgust", "fear", "sadness"]

# Runs on a layout probe: for every main table, its width and the width its wrapper shows,
# and the page's own width, written into the page so --dump-dom returns them.
_PROBE = """<script>
(function () {
  var tables = Array.prototype.map.call(document.querySelectorAll("table.main"), function (table) {
    return {caption: table.rows[0].textContent.slice(0, 60), table: table.scrollWidth,
            shown: table.parentElement.clientWidth};
  });
  var out = document.createElement("pre");
  out.id = "layout-probe";
  out.textContent = JSON.stringify({viewport: window.innerWidth, page: document.documentElement.scrollWidth,
                                    tables: tables});
  document.body.appendChild(out);
})();
</script></body>"""


def chromium() -> str:
    """Path of a Chromium-family browser; fails (or skips, when asked) without one."""
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    message = ("no Chromium on PATH: run `make setup` (installs Debian's chromium when missing) or "
               "`apt-get install -y chromium`")
    if os.environ.get("LMMS_EMOTION_SKIP_BROWSER"):
        pytest.skip(message)
    pytest.fail(message + "; set LMMS_EMOTION_SKIP_BROWSER=1 to skip this test")


def _browse(browser: str, *args: str) -> subprocess.CompletedProcess:
    command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
               "--hide-scrollbars", "--no-first-run", "--virtual-time-budget=3000", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def _rows(task: str, n: int, right: int, labels: list[str], label_set: str) -> list[dict]:
    rows = []
    for i in range(n):
        gold = labels[i % len(labels)]
        pred = gold if (i * 7) % n < right else labels[(i * 3 + 1) % len(labels)]
        rows.append({"id": f"{task}/test/{i:03d}", "gold": gold, "pred": pred, "label_set": label_set})
    return rows


def _suite(template: Path, out: Path, skill: float, limit: int | None = None) -> Path:
    from lmms_emotion.scoring.labels import get_label_set

    webemo = list(get_label_set("webemo25").labels)
    tasks = {}
    for task in PAPER_TASKS:
        labels, label_set, n = (webemo, "webemo25", 50) if task == "emovit_webemo25" else (MIKELS, "mikels8", 40)
        rows = _rows(task, n, int(skill * n), labels, label_set)
        tasks[task] = rows[:limit] if limit else rows
    return synthetic_suite(template, out, tasks, groups={"emovit_paper": list(PAPER_TASKS)})


@pytest.fixture(scope="module")
def html_report(real_runs, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("browser")
    specs = [f"{name}={_suite(real_runs['gold'], root / name.split(':')[0], skill, limit)}"
             for name, skill, limit in (("emovit:EmoVIT-tuned-checkpoint", 0.7, None),
                                        ("instructblip:vicuna-7b-zero-shot", 0.45, None),
                                        ("llava:llava-1.5-7b-limit-10", 0.5, 10))]
    files = write_report(load_runs(specs), root / "report", ReportOptions(n_resamples_test=500, n_resamples_ci=200,
                                                                          title="Model comparison (synthetic runs)"))
    return files.html


def test_report_fits_1280px_in_chromium(html_report, tmp_path):
    browser = chromium()
    probe = tmp_path / "probe.html"
    probe.write_text(html_report.read_text().replace("</body>", _PROBE, 1))
    proc = _browse(browser, f"--window-size={WIDTH},900", "--dump-dom", probe.as_uri())
    found = re.search(r'<pre id="layout-probe">(.*?)</pre>', proc.stdout, re.DOTALL)
    assert found, f"Chromium did not run the page's script (exit {proc.returncode}): {proc.stderr[-2000:]}"
    layout = json.loads(unescape(found.group(1)))
    assert layout["viewport"] == WIDTH
    assert layout["page"] <= WIDTH, "the page scrolls sideways"
    # 1 headline leaderboard (8 tasks + paper rows) and 8 task score tables
    assert len(layout["tables"]) == 9
    wide = [t for t in layout["tables"] if t["table"] > t["shown"]]
    assert not wide, f"main tables wider than the page: {wide}"


def test_chromium_screenshot(html_report, tmp_path):
    browser = chromium()
    shot = tmp_path / "compare_report_chromium.png"
    proc = _browse(browser, f"--window-size={WIDTH},1500", f"--screenshot={shot}", html_report.as_uri())
    assert shot.is_file(), f"no screenshot (exit {proc.returncode}): {proc.stderr[-2000:]}"
    with Image.open(shot) as image:
        assert image.size == (WIDTH, 1500)
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
    assert colours is None or len(colours) > 50, "the screenshot is blank"
    target = os.environ.get("LMMS_EMOTION_SCREENSHOT_DIR")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, Path(target) / shot.name)
