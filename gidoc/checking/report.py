"""The summary of checking several data files: its text, its JSON form and its exit code.

``gidoc check`` only prints a :class:`CheckReport`; a Python caller or a web
service gets the same verdict and the same JSON without going through the CLI.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from gidoc.checking.validate import Checked
from gidoc.errors import CROSS_CHECKS_PENDING


@dataclass(frozen=True)
class CheckReport:
    """The findings of checking each file, in the order the files were given."""

    results: Sequence[Checked]

    @property
    def ok(self) -> bool:
        """True when every file is valid (warnings allowed)."""
        return all(result.ok for result in self.results)

    @property
    def exit_code(self) -> int:
        """0 when every file is valid, 1 when any file has an error or cannot be read."""
        return 0 if self.ok else 1

    def as_json(self) -> dict[str, Any]:
        """The report as JSON-ready data: ``{"ok", "files": [{"file", "ok", "errors", "warnings"}]}``."""
        return {
            "ok": self.ok,
            "files": [
                {
                    "file": result.source,
                    "ok": result.ok,
                    "errors": [p.as_dict() for p in result.errors],
                    "warnings": [p.as_dict() for p in result.warnings],
                }
                for result in self.results
            ],
        }

    def lines(self) -> Iterator[str]:
        """The report as text, one line at a time: a verdict per file, then its findings."""
        for result in self.results:
            yield from checked_lines(result)

    def __str__(self) -> str:
        return "\n".join(self.lines())


def checked_lines(result: Checked) -> Iterator[str]:
    """One file's verdict line, then each finding indented below it."""
    errors, warnings = result.errors, result.warnings
    if result.ok and not warnings:
        yield f"{result.source}：通过"
        return
    if result.ok:
        yield f"{result.source}：通过，{len(warnings)} 个警告"
    else:
        yield f"{result.source}：{len(errors)} 个错误，{len(warnings)} 个警告"
    for problem in result.problems:
        # A problem of the whole file (unreadable, a folder) has no field to name.
        yield f"  {problem}" if problem.path else f"  {problem.message}"
    if result.report is None and any(p.path for p in errors):
        yield f"  （{CROSS_CHECKS_PENDING}）"
