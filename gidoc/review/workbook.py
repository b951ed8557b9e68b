"""The review as an Excel workbook: one row per unit, and one row per problem, both filterable.

Sheet 「汇总」 has a row for each report (file, unit, status, counts of errors
and warnings, the headline numbers) and for each unit of the roster that has
not reported; sheet 「问题」 has every finding (unit, severity, rule, place,
message).  Both have a filter on their header row and keep it in view.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from gidoc.format import labels as L
from gidoc.review.result import RULES, STATUS_TEXT, Review

#: The summary sheet's name and its columns (header, width in characters).
SUMMARY_SHEET = "汇总"
SUMMARY_COLUMNS: tuple[tuple[str, int], ...] = (
    ("文件", 36),
    ("单位", 28),
    ("年度", 7),
    ("状态", 10),
    ("错误数", 8),
    ("警告数", 8),
    ("新收（件）", 11),
    ("办理（件）", 11),
    ("结转（件）", 11),
    (f"{L.T4_RECONSIDERATION}（件）", 12),
    (f"{L.T4_LITIGATION}（件）", 12),
    ("收费（万元）", 14),
    ("名单", 12),
)
#: The problems sheet's name and its columns.
PROBLEMS_SHEET = "问题"
PROBLEMS_COLUMNS: tuple[tuple[str, int], ...] = (
    ("文件", 36),
    ("单位", 28),
    ("类别", 8),
    ("规则", 22),
    ("位置", 44),
    ("问题", 90),
)
#: Status shown for a roster unit without a report; for a report of a unit not on the roster.
NOT_REPORTED = "未报送"
NOT_LISTED = "不在名单中"
_HEADLINE = ("new_received", "handled", "carried_forward", "reconsideration", "litigation", "fees")
_FILLS = {"errors": "FFC7CE", "unreadable": "FFC7CE", "warnings": "FFEB9C", NOT_REPORTED: "D9D9D9"}
_SEVERITY = {"error": "错误", "warning": "警告"}


def summary_rows(review: Review) -> list[list[Any]]:
    """The rows of the summary sheet below its header: reports, then units not reported."""
    listed_out = {(u.source, u.agency) for u in review.unexpected}
    rows: list[list[Any]] = []
    for item in review.reports:
        headline = item.headline()
        numbers: list[Any] = (
            [_cell_number(headline[key]) for key in _HEADLINE] if headline else [None] * 6
        )
        roster = ""
        if review.roster_given and item.agency:
            roster = NOT_LISTED if (item.source, item.agency) in listed_out else "在名单中"
        rows.append(
            [
                item.source,
                item.agency,
                item.year,
                STATUS_TEXT[item.status],
                len(item.errors),
                len(item.warnings),
                *numbers,
                roster,
            ]
        )
    for name in review.missing:
        rows.append(["", name, None, NOT_REPORTED, None, None, *[None] * 6, "在名单中"])
    return rows


def problem_rows(review: Review) -> list[list[str]]:
    """The rows of the problems sheet below its header: every finding of every report."""
    return [
        [
            item.source,
            item.agency,
            _SEVERITY[finding.severity],
            RULES[finding.rule],
            finding.place,
            finding.problem.message,
        ]
        for item in review.reports
        for finding in item.findings
    ]


def _cell_number(value: int | Decimal) -> int | float:
    # Excel holds doubles; a fee of up to 15 significant digits survives exactly.
    return float(value) if isinstance(value, Decimal) else value


def review_workbook(review: Review) -> bytes:
    """The review as the bytes of an .xlsx workbook."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    workbook = Workbook()
    summary = workbook.active
    summary.title = SUMMARY_SHEET
    problems = workbook.create_sheet(PROBLEMS_SHEET)
    bold = Font(bold=True)
    for sheet, columns, rows in (
        (summary, SUMMARY_COLUMNS, summary_rows(review)),
        (problems, PROBLEMS_COLUMNS, problem_rows(review)),
    ):
        sheet.append([header for header, _ in columns])
        for cell in sheet[1]:
            cell.font = bold
        for row in rows:
            sheet.append(row)
        for index, (_, width) in enumerate(columns, start=1):
            sheet.column_dimensions[_letter(index)].width = width
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:{_letter(len(columns))}{max(1, len(rows) + 1)}"
    status_column = [header for header, _ in SUMMARY_COLUMNS].index("状态") + 1
    by_text = {STATUS_TEXT[key]: colour for key, colour in _FILLS.items() if key in STATUS_TEXT}
    by_text[NOT_REPORTED] = _FILLS[NOT_REPORTED]
    for (cell,) in summary.iter_rows(min_row=2, min_col=status_column, max_col=status_column):
        colour = by_text.get(cell.value)
        if colour:
            cell.fill = PatternFill("solid", fgColor=colour)
    fees = len(SUMMARY_COLUMNS) - 1
    for (cell,) in summary.iter_rows(min_row=2, min_col=fees, max_col=fees):
        cell.number_format = "0.######"
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in problems.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = wrap
    workbook.properties.creator = "gidoc"
    workbook.properties.title = f"{L.TITLE_SUFFIX}审核结果"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index))
