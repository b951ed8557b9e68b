"""What every reader returns, in a module of its own so that readers need not import the dispatcher."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gidoc.errors import Problem


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
