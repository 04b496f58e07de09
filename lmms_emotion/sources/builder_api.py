"""What ``build-data`` and every source builder share: options in, records and skipped items out,
and the ``--skip-bad`` policy (:class:`IssueLog`) whose errors name the file, the row and the fix."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lmms_emotion.records import Record


class BuildError(ValueError):
    """A raw-data problem that stops a build; the message names the file (and row) and the fix."""


@dataclass(frozen=True)
class BuildIssue:
    """One bad input item: where it is and what is wrong with it."""

    file: str
    row: int | None
    reason: str

    def describe(self) -> str:
        where = self.file if self.row is None else f"{self.file} row {self.row}"
        return f"{where}: {self.reason}"


@dataclass
class IssueLog:
    """Collects bad items: raises on the first one, or (``skip_bad``) records and continues."""

    dataset: str
    skip_bad: bool = False
    issues: list[BuildIssue] = field(default_factory=list)

    def report(self, file: str | os.PathLike, row: int | None, reason: str) -> None:
        """Record a bad item; without ``skip_bad`` this raises :class:`BuildError` at once."""
        issue = BuildIssue(str(file), row, reason)
        if not self.skip_bad:
            raise BuildError(
                f"{self.dataset}: {issue.describe()}.\n"
                "Fix the raw file (re-download or restore it from the official release), "
                "or pass --skip-bad to leave such items out and list them in the build report."
            )
        self.issues.append(issue)


@dataclass
class BuildOptions:
    """What every builder receives from ``lmms-emotion build-data``."""

    raw: Path
    out_root: Path
    skip_bad: bool = False
    workers: int = 4
    verify: str = "decode"  # decode | exists
    seed: int = 0
    link_mode: str = "symlink"  # symlink | copy
    extra: dict = field(default_factory=dict)
    follow_symlinks: bool = False  # accept links inside the raw folder that lead outside it


@dataclass
class BuildResult:
    """What a builder produced: records per split plus anything it skipped."""

    dataset: str
    splits: dict[str, list[Record]]
    skipped: list[BuildIssue]
    manifest: dict

    def summary(self) -> str:
        lines = [f"{self.dataset}: built {sum(len(r) for r in self.splits.values())} records"]
        for split, records in self.splits.items():
            counts = Counter(r.answer for r in records)
            per_class = ", ".join(f"{label}={n}" for label, n in sorted(counts.items()))
            lines.append(f"  {split}: {len(records)} ({per_class})")
        if self.skipped:
            lines.append(f"  skipped {len(self.skipped)} bad item(s):")
            lines.extend(f"    - {issue.describe()}" for issue in self.skipped[:50])
            if len(self.skipped) > 50:
                lines.append(f"    ... and {len(self.skipped) - 50} more (see manifest.json)")
        return "\n".join(lines)


def build_option(options: BuildOptions, dataset: str, key: str, default: str, choices: Sequence[str]) -> str:
    """A dataset-specific ``--option KEY=VALUE`` value, checked against its choices."""
    value = str(options.extra.get(key, default))
    if value not in choices:
        raise BuildError(f"{dataset}: --option {key}={value} is not valid; use one of {', '.join(choices)}")
    return value
