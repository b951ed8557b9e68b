"""What reading a report notices on the way: warnings, where each number sits, and failures."""

from __future__ import annotations

from dataclasses import dataclass, field

from gidoc.errors import InputError, Problem


@dataclass
class Findings:
    """The warnings and locations collected while reading one document named ``name``."""

    name: str
    warnings: list[Problem] = field(default_factory=list)
    locations: dict[str, str] = field(default_factory=dict)
    #: Values that cannot be read (a cell that is not a number); all are reported together.
    errors: list[Problem] = field(default_factory=list)

    def fail(self, message: str) -> InputError:
        """The error to raise for ``message``, naming the document."""
        return InputError(f"{self.name}：{message}")

    def warn(self, path: str, label: str, message: str, cell: str = "") -> None:
        """Note something read leniently, at data path ``path``."""
        self.warnings.append(Problem(path, label, message, "warning", cell))

    def bad(self, path: str, label: str, message: str, cell: str = "") -> None:
        """Note a value that cannot be read, at data path ``path``; reading goes on."""
        self.errors.append(Problem(path, label, message, "error", cell))
