"""The whole flow for files: load → validate → context → render → write.

Everything the command line does is here, callable from Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from gidoc.context import build_context
from gidoc.errors import (
    GidocError,
    InputError,
    InvalidInputs,
    Problem,
    ReportValidationError,
)
from gidoc.output import output_paths, write_atomic
from gidoc.render import ReportTemplate
from gidoc.validate import Checked, check_file


@dataclass
class Rendered:
    """One report written: where from, where to, and the warnings found on the way."""

    source: Path
    output: Path
    warnings: list[Problem] = field(default_factory=list)


def check_files(paths: Sequence[str | Path]) -> list[Checked]:
    """Check each data file; a file that cannot be read yields a Checked with that error."""
    results = []
    for path in paths:
        try:
            results.append(check_file(path))
        except InputError as exc:
            results.append(Checked(str(path), None, [Problem("", "", str(exc))]))
    return results


def render_files(
    paths: Sequence[str | Path],
    output: str | Path | None = None,
    *,
    template: str | Path | None = None,
) -> list[Rendered]:
    """Render each data file to a .docx; see :func:`gidoc.output.output_paths` for names.

    Every input is read and validated first: if any is invalid, nothing is
    written and :class:`InvalidInputs` lists every problem of every file.  The
    template is loaded and compiled once for all reports.
    """
    sources = [Path(p) for p in paths]
    targets = output_paths(sources, None if output is None else Path(output), ".docx")
    failures: list[GidocError] = []
    reports = []
    for source in sources:
        try:
            checked = check_file(source)
        except InputError as exc:
            failures.append(exc)
            continue
        if checked.report is None or checked.errors:
            failures.append(
                ReportValidationError(
                    str(source), checked.problems, cross_checked=checked.report is not None
                )
            )
            continue
        reports.append((source, checked))
    if failures:
        raise InvalidInputs(failures)
    loaded = ReportTemplate(template)
    documents = []
    for (source, checked), target in zip(reports, targets, strict=True):
        assert checked.report is not None
        documents.append((source, target, loaded.render(build_context(checked.report)), checked))
    written = []
    for source, target, data, checked in documents:
        write_atomic(target, data)
        written.append(Rendered(source, target, checked.warnings))
    return written
