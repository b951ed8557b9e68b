"""One report examined on its own: the check's findings and the fingerprints of its texts.

This is the part of a review that needs no other report, so that it can run
on a process pool next to the reading (:mod:`gidoc.review.inputs`); what
compares reports with each other is in :mod:`gidoc.review.batch`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from gidoc.checking.validate import check
from gidoc.errors import Problem
from gidoc.format import labels as L
from gidoc.format.models import Report
from gidoc.review import similarity
from gidoc.review.items import ReviewItem, agency_of, year_of
from gidoc.review.result import Finding

#: The sections whose text the review compares: data path → the section as the report names it.
TEXT_SECTIONS: dict[str, str] = {
    "overview": L.SECTION_1,
    "problems": f"{L.SECTION_5} / {L.PROBLEMS}",
    "improvements": f"{L.SECTION_5} / {L.IMPROVEMENTS}",
    "other_matters": L.SECTION_6,
}


def section_texts(report: Report) -> dict[str, str]:
    """The text of each section in :data:`TEXT_SECTIONS`; 一 is its summary and every sub-section."""
    overview = [report.overview.summary]
    for section in report.overview.sections:
        overview += [section.heading, section.body]
    return {
        "overview": "\n".join(overview),
        "problems": report.problems,
        "improvements": report.improvements,
        "other_matters": report.other_matters,
    }


@dataclass
class Examined:
    """An item with what checking it found, and per text section its shingles and MinHash."""

    item: ReviewItem
    report: Report | None
    findings: list[Finding]
    unreadable: bool = False
    shingles: dict[str, similarity.Shingles] = field(default_factory=dict)
    signatures: dict[str, Any] = field(default_factory=dict)

    @property
    def agency(self) -> str:
        """The agency the report names ("" when it names none)."""
        return self.report.agency if self.report is not None else agency_of(self.item.data)

    @property
    def year(self) -> int | None:
        """The year the report gives, if any."""
        return self.report.year if self.report is not None else year_of(self.item.data)

    def all_shingles(self) -> similarity.Shingles:
        """The shingles of every text section together: the report as last year's source."""
        return similarity.union(self.shingles.values())

    def without_data(self) -> Examined:
        """The same without the item's data, once a valid report holds it all: less memory.

        Kept when the data is invalid: the agency and year are then read from it.
        """
        if self.report is None:
            return self
        return dataclasses.replace(self, item=dataclasses.replace(self.item, data=None))


def examine(item: ReviewItem, *, fingerprints: bool = True) -> Examined:
    """Check one item and fingerprint its texts (``fingerprints=False`` skips the MinHash).

    Findings: ``unreadable`` (the item's load errors), ``format`` (the data does
    not fit the data format), ``cross_check`` (勾稽关系 and totals), ``reading``
    (what the reader noticed) and ``check`` (the warnings ``gidoc check`` gives).
    """
    if item.data is None or item.errors:
        reasons = list(item.errors) or ["没有数据"]
        findings = [Finding("unreadable", Problem("", "", reason)) for reason in reasons]
        return Examined(item, None, findings, unreadable=True)
    checked = check(item.data, item.source, item.locations)
    findings = [Finding("reading", problem) for problem in item.warnings]
    for problem in checked.problems:
        if problem.severity == "warning":
            rule = "check"
        else:
            rule = "format" if checked.report is None else "cross_check"
        findings.append(Finding(rule, problem))
    examined = Examined(item, checked.report, findings)
    if checked.report is not None:
        agency = checked.report.agency
        for key, text in section_texts(checked.report).items():
            shingle_set = similarity.shingles(text, without=agency)
            examined.shingles[key] = shingle_set
            if fingerprints and shingle_set.size:
                examined.signatures[key] = similarity.signature(shingle_set)
    return examined
