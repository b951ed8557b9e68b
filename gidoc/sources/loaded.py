"""What every reader returns, in a module of its own so that readers need not import the dispatcher."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gidoc.errors import InputError, Problem


@dataclass
class Loaded:
    """What a reader got out of a data source.

    ``data`` has the shape of the data format; ``locations`` maps JSON paths to
    where each value sits in the source when that is not the path itself
    (``表三!F9`` for an Excel form); ``warnings`` are what the reader noticed.
    """

    data: dict[str, Any]
    locations: dict[str, str] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)


class UnreadableValues(InputError):
    """Values of a source that cannot be read (cells of a .docx that are not numbers), all of them.

    ``problems`` holds one error per value, with its place; ``partial`` is what
    was read, each unreadable value replaced by 0, so that a check can report
    the other fields' problems beside these (and must not cross-check it).
    """

    def __init__(self, source: str, problems: list[Problem], partial: Loaded) -> None:
        lines = [f"{source}：有 {len(problems)} 个值无法读取"] + [f"  {p}" for p in problems]
        super().__init__("\n".join(lines), source=source, reason=lines[0])
        self.problems = problems
        self.partial = partial
