"""One parser table per label set: realistic replies and the reading docs/scoring.md requires.

``TABLES`` maps a label set name (``yes_no`` for the binary sub-tasks) to its rows;
tests/test_parser_tables.py runs them all, and the other parser test files check their
coverage and use them for their own checks.
"""

from __future__ import annotations

from importlib import import_module

from tests.parser_tables.rows import Row

SETS = ("mikels8", "ekman6", "unbiasedemo6", "meld7", "webemo25", "webemo7", "webemo2", "mintrec20",
        "intentonomy28", "yes_no")
TABLES: dict[str, list[Row]] = {name: import_module(f"tests.parser_tables.{name}").TABLE for name in SETS}


def rows(via: str | None = None, rule: str | None = None) -> list[tuple[str, Row]]:
    """Every (label set, row), optionally only those read ``via`` one path or written for one ``rule``."""
    return [(name, row) for name, table in TABLES.items() for row in table
            if (via is None or row.via == via) and (rule is None or row.rule == rule)]
