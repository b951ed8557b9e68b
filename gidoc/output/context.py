"""A validated report → the template context: plain dicts, lists and strings only.

Every formatting decision is made here, so the template only places text:
numbers as digits, the fee exactly as written, text split into paragraphs,
（一）（二）… numbering, the default title and the 落款.  Table values sit at
the same paths as in the data file (``applications.results.withheld.
state_secret.natural_person``), each row with its derived ``total``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from gidoc.format import labels as L
from gidoc.format import paths
from gidoc.format import tables as T
from gidoc.format.models import ApplicantCounts, CaseCounts, DocumentCounts, Report


def paragraphs(text: str) -> list[str]:
    """Split text into paragraphs: each non-blank line is one, trimmed of spaces.

    Leading full-width spaces (a habit from Word) are dropped too: the body style
    already indents the first line by two characters.
    """
    return [line.strip() for line in text.splitlines() if line.strip()]


def fee_text(amount: Decimal) -> str:
    """The fee as written in the data, never in exponent form (``1E+2`` → ``100``)."""
    return format(amount, "f")


def date_text(report: Report) -> str:
    """落款日期 as 公文 write it, without leading zeros: 2026年1月20日."""
    if report.date is None:
        return ""
    d = report.date
    return f"{d.year}年{d.month}月{d.day}日"


def _applicants(row: ApplicantCounts) -> dict[str, str]:
    out = {key: str(value) for key, value in row.columns().items()}
    out["total"] = str(row.derived_total)
    return out


def _cases(group: CaseCounts) -> dict[str, str]:
    out = {key: str(value) for key, value in group.columns().items()}
    out["total"] = str(group.derived_total)
    return out


def _documents(row: DocumentCounts) -> dict[str, str]:
    return {key: str(getattr(row, key)) for key in L.DOCUMENT_COLUMNS}


def build_context(report: Report) -> dict[str, Any]:
    """The template context of a valid report."""
    ad = report.active_disclosure
    apps = report.applications
    table_3: dict[str, Any] = {}
    for row in T.TABLE_3_ROWS:
        paths.put(table_3, row.path, _applicants(apps.row(row.path)))
    signature = None
    if report.issuer is not None or report.date is not None:
        signature = {"issuer": report.issuer or report.agency, "date": date_text(report)}
    return {
        "title": report.display_title,
        "agency": report.agency,
        "year": str(report.year),
        "preamble": paragraphs(report.preamble),
        "overview": {
            "summary": paragraphs(report.overview.summary),
            "sections": [
                {
                    "number": L.sub_heading_number(index),
                    "heading": section.heading,
                    "body": paragraphs(section.body),
                }
                for index, section in enumerate(report.overview.sections, start=1)
            ],
        },
        "active_disclosure": {
            "rules": _documents(ad.rules),
            "normative_documents": _documents(ad.normative_documents),
            "administrative_licensing": str(ad.administrative_licensing),
            "administrative_penalty": str(ad.administrative_penalty),
            "administrative_coercion": str(ad.administrative_coercion),
            "administrative_fees": fee_text(ad.administrative_fees),
        },
        "applications": table_3,
        "review_and_litigation": {
            key: _cases(getattr(report.review_and_litigation, key)) for key in L.CASE_GROUPS
        },
        "problems": paragraphs(report.problems),
        "improvements": paragraphs(report.improvements),
        "other_matters": paragraphs(report.other_matters),
        "signature": signature,
    }
