"""Report blocks -> one self-contained HTML page.

Inline CSS and a few lines of inline JavaScript (click a column header to sort; paper
rows stay in their own table body below the runs); pictures embedded as base64 PNG data
URIs. The page references nothing outside itself, so it can be mailed or archived as is.
"""

from __future__ import annotations

import base64
import re
from html import escape
from pathlib import Path

from lmms_emotion.report.document import Block, Bullets, Heading, Paragraph, Pictures, Table

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem auto;
       max-width: 1440px; padding: 0 1rem; color: #1b1f24; }
h1 { border-bottom: 2px solid #d0d7de; padding-bottom: .3rem; }
h2 { margin-top: 2.2rem; border-bottom: 1px solid #d0d7de; padding-bottom: .2rem; }
table { border-collapse: collapse; margin: .6rem 0; font-size: .9rem; }
th, td { border: 1px solid #d0d7de; padding: .25rem .55rem; text-align: left; overflow-wrap: break-word; }
td.num { text-align: right; font-variant-numeric: tabular-nums; overflow-wrap: normal; }
td.num span { white-space: nowrap; }
th { background: #f6f8fa; cursor: pointer; user-select: none; }
th:hover { background: #eaeef2; }
.table-wrap { overflow-x: auto; max-width: 100%; }
tbody.runs tr:nth-child(even) { background: #fbfcfd; }
tbody.reference td { color: #57606a; font-style: italic; background: #fff8e6; }
.caption { color: #57606a; font-size: .85rem; margin-top: 0; }
.pictures { display: flex; flex-wrap: wrap; gap: 1rem; }
figure { margin: 0; }
figcaption { font-size: .85rem; color: #57606a; }
img { max-width: 100%; height: auto; border: 1px solid #d0d7de; }
"""

_SCRIPT = """
document.querySelectorAll("table.sortable").forEach(function (table) {
  table.querySelectorAll("th").forEach(function (th, column) {
    th.title = "click to sort";
    th.addEventListener("click", function () {
      var body = table.querySelector("tbody.runs");
      var rows = Array.prototype.slice.call(body.rows);
      var descending = th.dataset.order !== "desc";
      th.dataset.order = descending ? "desc" : "asc";
      function key(row) {
        var text = row.cells[column].textContent.trim();
        var number = parseFloat(text.replace(/^\\[/, ""));
        return isNaN(number) ? text.toLowerCase() : number;
      }
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        if (x === y) { return 0; }
        var less = (typeof x === typeof y) ? x < y : typeof x === "number";
        return (less ? -1 : 1) * (descending ? -1 : 1);
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
});
"""


def png_data_uri(path: str | Path) -> str:
    """A PNG file as a ``data:image/png;base64,...`` URI."""
    return "data:image/png;base64," + base64.b64encode(Path(path).read_bytes()).decode("ascii")


def _png_size(path: Path) -> tuple[int, int]:
    header = Path(path).read_bytes()[:24]
    return int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")


_NUMERIC = re.compile(r"^[\[(]?[+\-–]?\d[\d.e+\-]*")


def _cell(text: str) -> str:
    if _NUMERIC.match(text) or text == "–":
        # each space-separated part ("45.00", "(n=10)") stays whole; the cell may wrap between them
        return '<td class="num">' + " ".join(f"<span>{escape(part)}</span>" for part in text.split(" ")) + "</td>"
    return f"<td>{_breakable(text)}</td>"


def _breakable(text: str) -> str:
    """Escaped text with line-break opportunities after ``_``, ``/``, ``:`` and ``,`` (long task names,
    run labels and paths wrap instead of widening the table)."""
    return re.sub(r"([_/:,])", r"\1<wbr>", escape(text))


def table_html(table: Table) -> str:
    head = "".join(f"<th>{_breakable(h)}</th>" for h in table.headers)
    runs, reference = [], []
    for i, row in enumerate(table.rows):
        cells = "".join(_cell(c) for c in row)
        (reference if i in table.reference_rows else runs).append(f"<tr>{cells}</tr>")
    body = f'<tbody class="runs">{"".join(runs)}</tbody>'
    if reference:
        body += f'<tbody class="reference">{"".join(reference)}</tbody>'
    caption = f'<p class="caption">{escape(table.caption)}</p>' if table.caption else ""
    classes = "sortable main" if table.main else "sortable"
    return f'<div class="table-wrap"><table class="{classes}"><thead><tr>{head}</tr></thead>{body}</table></div>{caption}'


def render_html(blocks: list[Block], title: str) -> str:
    """The report as one self-contained HTML document."""
    parts = []
    for block in blocks:
        if isinstance(block, Heading):
            parts.append(f'<h{block.level} id="{escape(block.anchor)}">{escape(block.text)}</h{block.level}>')
        elif isinstance(block, Paragraph):
            parts.append(f"<p>{escape(block.text)}</p>")
        elif isinstance(block, Bullets):
            parts.append("<ul>" + "".join(f"<li>{escape(item)}</li>" for item in block.items) + "</ul>")
        elif isinstance(block, Table):
            parts.append(table_html(block))
        elif isinstance(block, Pictures):
            figures = []
            for caption, path in block.items:
                width, height = _png_size(path)
                figures.append(f'<figure><img src="{png_data_uri(path)}" width="{width}" height="{height}" '
                               f'alt="{escape(caption)}"><figcaption>{escape(caption)}</figcaption></figure>')
            parts.append('<div class="pictures">' + "".join(figures) + "</div>")
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>{escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        + "\n".join(parts)
        + f"\n<script>{_SCRIPT}</script>\n</body>\n</html>\n"
    )
