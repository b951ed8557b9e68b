"""Review and aggregate report files: read them, run the library, write the workbook or page.

What ``gidoc review`` and ``gidoc aggregate`` do, callable from Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from gidoc.errors import AggregationRefused, InputError, OutputError
from gidoc.output.files import same_file, write_atomic
from gidoc.review.aggregate import aggregate_data
from gidoc.review.batch import review_examined
from gidoc.review.inputs import Job, Progress, read_examined, report_files, run_jobs
from gidoc.review.result import Review
from gidoc.review.roster import read_roster

#: What ``review_files`` can write, by extension.
REVIEW_OUTPUTS = (".xlsx", ".html", ".htm")


def review_files(
    paths: Sequence[str | Path],
    *,
    previous: Sequence[str | Path] = (),
    roster: str | Path | None = None,
    output: str | Path | None = None,
    progress: Progress | None = None,
) -> Review:
    """Review report files (folders are searched), against last year's and a roster when given.

    ``output`` ending in ``.xlsx`` writes the review workbook, in ``.html`` the
    review page (atomically; checked before anything is read).  Raises
    :class:`~gidoc.errors.InputError` for an unreadable roster,
    :class:`OutputError` for an impossible output; a report that cannot be
    read is a finding, never an exception.
    """
    sources = report_files(paths)
    last_year = report_files(previous)
    target = None if output is None else Path(output)
    if target is not None:
        _check_target(target, [*sources, *last_year, *([Path(roster)] if roster else [])])
    units = read_roster(roster) if roster is not None else None
    if not sources:
        raise InputError("没有找到要审核的报告文件（" + "、".join(map(str, paths)) + "）")
    # One pool for both years: workers forked before any result is held, and kept busy.
    jobs = [Job(str(p)) for p in sources] + [Job(str(p), fingerprints=False) for p in last_year]
    done = run_jobs(jobs, progress=progress)
    examined, before = done[: len(sources)], done[len(sources) :]
    review = review_examined(examined, before, units, compare_previous=bool(previous))
    if target is not None:
        write_review(review, target)
    return review


def _check_target(target: Path, inputs: Sequence[Path]) -> None:
    if target.suffix.lower() not in REVIEW_OUTPUTS:
        raise OutputError(f"-o {target}：审核结果可写为 .xlsx（工作簿）或 .html（网页）")
    if target.is_dir():
        raise OutputError(f"-o {target}：这是一个文件夹；请写出文件名，如 审核结果.xlsx")
    for source in inputs:
        if same_file(target, source):
            raise OutputError(f"-o {target}：这是要读取的文件 {source} 本身，输出会覆盖它")


def write_review(review: Review, target: Path) -> Path:
    """Write the review as a workbook (.xlsx) or a page (.html), atomically."""
    if target.suffix.lower() == ".xlsx":
        from gidoc.review.workbook import review_workbook

        write_atomic(target, review_workbook(review))
    else:
        from gidoc.review.page import review_page

        write_atomic(target, review_page(review).encode("utf-8"))
    return target


def aggregate_files(
    paths: Sequence[str | Path],
    agency: str,
    output: str | Path,
    *,
    year: int | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> Path:
    """Sum the reports in ``paths`` into ``agency``'s report and write it to ``output``.

    ``output`` is .json, .yaml or an Excel form (.xlsx; the form has no place for
    ``aggregated_from``, so JSON or YAML keep the list of units).  Raises
    :class:`AggregationRefused` naming each file and why, and writes nothing.
    """
    from gidoc.pipeline import write_data

    target = Path(output)
    sources = report_files(paths)
    clashes = [
        (str(s), "这是输出文件本身，汇总结果会覆盖它") for s in sources if same_file(target, s)
    ]
    if clashes:
        raise AggregationRefused(clashes)
    items = [
        examined.item
        for examined in read_examined(
            sources, fingerprints=False, keep_data=True, progress=progress
        )
    ]
    data = aggregate_data(items, agency, year)
    return write_data(target, data, force=force)
