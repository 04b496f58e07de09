"""Comparing runs: leaderboards, per-class tables, confidence intervals, paired tests, confusion plots.

``lmms-emotion compare RUN_DIR...`` reads lmms-eval output folders (:mod:`.runs`),
computes every table once (:mod:`.build`, statistics in :mod:`.stats`), lays the report
out as blocks (:mod:`.document`) and writes Markdown, a self-contained HTML page, CSV,
JSON and confusion-matrix PNGs (:mod:`.write`). The papers' numbers shown beside ours
live in :mod:`.reference`.

Import-light: matplotlib and numpy are imported only when a report is written.
"""
