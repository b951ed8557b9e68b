"""A review of many examined reports: each on its own, against last year's, against each other.

:func:`review_examined` takes reports already read and examined
(:mod:`gidoc.review.examined`, on a pool when they come from files) and adds
what needs more than one report: last year's report of the same unit, the
same unit reported twice, near-identical texts between units, the roster.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

from gidoc.errors import Problem
from gidoc.review import similarity
from gidoc.review.examined import TEXT_SECTIONS, Examined
from gidoc.review.items import unit_key
from gidoc.review.result import Finding, ReportReview, Review, Unexpected, UnusablePrevious
from gidoc.review.roster import roster_gaps
from gidoc.review.rules import against_previous, required_content


def review_examined(
    reports: Sequence[Examined],
    previous: Sequence[Examined] = (),
    roster: Sequence[str] | None = None,
    *,
    compare_previous: bool | None = None,
) -> Review:
    """The review of ``reports`` (this year's), with ``previous`` (last year's) and ``roster``.

    Without ``previous`` the cross-year rules do not run; with it, a report
    whose unit has no report among them gets a ``previous_missing`` warning
    (``compare_previous`` overrides whether previous reports were meant).
    """
    if compare_previous is None:
        compare_previous = bool(previous)
    reviews = [
        ReportReview(e.item.source, e.agency, e.year, e.report, list(e.findings), e.unreadable)
        for e in reports
    ]
    for examined, review in zip(reports, reviews, strict=True):
        if examined.report is not None:
            _add_required_content(review, required_content(examined.report))
    _duplicates(reports, reviews)
    unusable: list[UnusablePrevious] = []
    if compare_previous:
        last_year = _by_unit(previous, unusable)
        for examined, review in zip(reports, reviews, strict=True):
            if examined.report is None:
                continue
            match = last_year.get(unit_key(examined.report.agency))
            if match is None:
                review.findings.append(
                    Finding(
                        "previous_missing",
                        Problem(
                            "agency",
                            "报告机关名称",
                            "上年度报告中没有这个单位的报告，无法核对上年结转和沿用上年文字",
                            "warning",
                        ),
                    )
                )
            else:
                review.findings += against_previous(examined, match)
    _copies(reports, reviews)
    for examined, review in zip(reports, reviews, strict=True):
        _locate(review, examined.item.locations)
    missing: list[str] = []
    unexpected: list[Unexpected] = []
    if roster is not None:
        agencies = [(e.item.source, e.agency) for e in reports if e.agency]
        missing, strangers = roster_gaps(roster, agencies)
        unexpected = [Unexpected(source, agency) for source, agency in strangers]
    return Review(reviews, missing, unexpected, unusable, roster_given=roster is not None)


def _locate(review: ReportReview, locations: Mapping[str, str]) -> None:
    """Give each finding the place its field has in the source (``文字!B12`` in an Excel form)."""
    if not locations:
        return
    review.findings = [
        Finding(
            f.rule,
            dataclasses.replace(f.problem, cell=locations[f.problem.path])
            if not f.problem.cell and f.problem.path in locations
            else f.problem,
        )
        for f in review.findings
    ]


def _add_required_content(review: ReportReview, findings: list[Finding]) -> None:
    """Add the required-content errors, dropping the check's warning about the same empty text."""
    paths = {f.problem.path for f in findings}
    review.findings = [
        f for f in review.findings if not (f.rule == "check" and f.problem.path in paths)
    ] + findings


def _by_unit(previous: Sequence[Examined], unusable: list[UnusablePrevious]) -> dict[str, Examined]:
    """Last year's usable reports by unit (the first of a unit wins); the rest into ``unusable``."""
    found: dict[str, Examined] = {}
    for examined in previous:
        if examined.report is None:
            source = examined.item.source
            if examined.unreadable:
                message = "；".join(examined.item.errors) or f"{source}：没有数据"
            else:
                errors = [f.problem for f in examined.findings if f.severity == "error"]
                listed = "；".join(str(problem) for problem in errors[:3])
                more = f"……（共 {len(errors)} 处）" if len(errors) > 3 else ""
                message = f"{source}：数据不符合格式：{listed}{more}"
            unusable.append(UnusablePrevious(source, message))
            continue
        found.setdefault(unit_key(examined.report.agency), examined)
    return found


def _duplicates(reports: Sequence[Examined], reviews: Sequence[ReportReview]) -> None:
    """A warning on each report of a unit that sent more than one, naming the other files."""
    units: dict[str, list[int]] = {}
    for number, examined in enumerate(reports):
        if examined.agency:
            units.setdefault(unit_key(examined.agency), []).append(number)
    for numbers in units.values():
        if len(numbers) < 2:
            continue
        for number in numbers:
            others = "、".join(reports[n].item.source for n in numbers if n != number)
            reviews[number].findings.append(
                Finding(
                    "duplicate_unit",
                    Problem(
                        "agency",
                        "报告机关名称",
                        f"同一单位还报送了 {others}；请确认哪一份是正式报告",
                        "warning",
                    ),
                )
            )


def _copies(reports: Sequence[Examined], reviews: Sequence[ReportReview]) -> None:
    """A warning on each section near-identical to the same section of another unit's report."""
    owners = [unit_key(e.agency) for e in reports]
    for key, label in TEXT_SECTIONS.items():
        sections = [
            similarity.Section(number, e.shingles[key], e.signatures.get(key))
            for number, e in enumerate(reports)
            if key in e.shingles and e.signatures.get(key) is not None
        ]
        for copies in similarity.near_duplicates(sections):
            number = sections[copies.section].owner
            others = [
                o
                for o in copies.others
                if owners[o[0]] != owners[number]  # the same unit twice is said above
            ]
            if not others:
                continue
            named = "、".join(
                f"{reports[o].agency}（{reports[o].item.source}，相似度 {s:.0%}）"
                for o, s in others
            )
            more = copies.count - len(others)
            tail = f"等 {copies.count} 个单位" if more > 0 else ""
            reviews[number].findings.append(
                Finding(
                    "copied_text",
                    Problem(
                        key,
                        label,
                        f"与 {named}{tail}的同一部分文字几乎相同；请按本单位实际情况撰写",
                        "warning",
                    ),
                )
            )
