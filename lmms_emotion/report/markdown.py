"""Report blocks -> Markdown (pictures linked by relative path)."""

from __future__ import annotations

import os
from pathlib import Path

from lmms_emotion.report.document import Block, Bullets, Heading, Paragraph, Pictures, Table


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table_markdown(table: Table) -> str:
    """A GitHub-flavoured Markdown table; paper rows in italics."""
    lines = ["| " + " | ".join(_cell(h) for h in table.headers) + " |",
             "|" + "---|" * len(table.headers)]
    for i, row in enumerate(table.rows):
        cells = [_cell(c) for c in row]
        if i in table.reference_rows:
            cells = [f"*{c}*" if c not in ("", "–") else c for c in cells]
        lines.append("| " + " | ".join(cells) + " |")
    text = "\n".join(lines)
    return f"{text}\n\n{table.caption}" if table.caption else text


def render_markdown(blocks: list[Block], out_dir: Path) -> str:
    """The report as Markdown; picture paths relative to ``out_dir`` (where the file goes)."""
    parts = []
    for block in blocks:
        if isinstance(block, Heading):
            parts.append("#" * block.level + " " + block.text)
        elif isinstance(block, Paragraph):
            parts.append(block.text)
        elif isinstance(block, Bullets):
            parts.append("\n".join(f"- {item}" for item in block.items))
        elif isinstance(block, Table):
            parts.append(table_markdown(block))
        elif isinstance(block, Pictures):
            parts.append("\n\n".join(f"![{caption}]({Path(os.path.relpath(path, out_dir)).as_posix()})"
                                     for caption, path in block.items))
    return "\n\n".join(parts) + "\n"
