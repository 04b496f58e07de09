"""``--help`` works for every ``lmms-emotion`` subcommand, at every level (``train emollm --help`` too).

The commands are discovered, not listed: starting from ``lmms-emotion --help``, every
choice argparse lists under "positional arguments" (a subcommand, indented below its
metavar) is a level to descend into, so a new subcommand (or one of a pass-through
command such as ``train``, whose recipes are parsed by its own handler) is covered
without editing this file.
"""

from __future__ import annotations

import re

import pytest

_CHOICE_LINE = re.compile(r"^    ([a-z][a-z0-9_-]*)(?:\s{2,}|$)")


def _help(argv: list[str], capsys) -> str:
    """Run ``lmms-emotion ARGV --help`` in process; it must exit 0 and print a usage line."""
    from lmms_emotion.cli import main

    with pytest.raises(SystemExit) as exited:
        main([*argv, "--help"])
    out, err = capsys.readouterr()
    assert exited.value.code in (0, None), f"lmms-emotion {' '.join(argv)} --help exited {exited.value.code}:\n{err[-3000:]}"
    assert "usage:" in out.lower(), f"lmms-emotion {' '.join(argv)} --help printed no usage:\n{out[:2000]}{err[-2000:]}"
    return out


def _subcommands(help_text: str) -> list[str]:
    """The subcommand names a help text lists: argparse indents a subparser's choices by
    four spaces under its metavar in the "positional arguments" section."""
    section = help_text.split("positional arguments:", 1)[1] if "positional arguments:" in help_text else ""
    section = re.split(r"\n\S", section, maxsplit=1)[0]  # up to the next unindented heading
    names: list[str] = []
    for line in section.splitlines():
        match = _CHOICE_LINE.match(line)
        if match and match.group(1) not in names:
            names.append(match.group(1))
    return names


def _command_tree(capsys) -> list[list[str]]:
    """Every command path below ``lmms-emotion``, breadth first."""
    found: list[list[str]] = []
    queue: list[list[str]] = [[]]
    while queue:
        path = queue.pop(0)
        for name in _subcommands(_help(path, capsys)):
            if path and name == path[-1]:
                continue
            found.append([*path, name])
            if len(path) < 2:
                queue.append([*path, name])
    return found


def test_every_subcommand_help_exits_zero(capsys):
    paths = _command_tree(capsys)
    names = {" ".join(p) for p in paths}
    # the discovery itself must see the known levels, or the test would pass on nothing
    assert {"build-data", "eval", "train", "generate", "convert"} <= names, sorted(names)
    assert {"train emovit", "train emollm", "generate captions", "convert emovit"} <= names, sorted(names)
    failures = []
    for path in paths:
        try:
            _help(path, capsys)
        except (AssertionError, Exception) as err:  # collect every broken --help, not just the first
            failures.append(f"lmms-emotion {' '.join(path)} --help: {type(err).__name__}: {err}"[:600])
    assert not failures, "\n".join(failures)
