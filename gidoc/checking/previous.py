"""Does this year's report follow on from last year's?  Warnings only.

A 文件清理 may explain a broken 现行有效件数 chain, and last year's published
report may itself have been wrong, so nothing here blocks rendering.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from gidoc.checking.rules import column_label
from gidoc.checking.validate import describe_path
from gidoc.errors import Problem
from gidoc.format import labels as L
from gidoc.format import tables as T
from gidoc.format.models import CaseCounts, Report

_T3 = "applications"


def compare_with_previous(report: Report, previous: Report) -> list[Problem]:
    """Where this year's report does not follow on from last year's, as warnings.

    Per column of table 三 (and 总计), 二、上年结转 should equal last year's
    四、结转下年度继续办理; 规章 and 行政规范性文件 现行有效件数 should equal last
    year's plus 本年制发 minus 本年废止.  Only warnings: a 清理 may explain the
    latter, and last year's published report may itself have been wrong.
    """
    return (
        year_mismatch(report, previous)
        + carry_over(report, previous)
        + in_force_chain(report, previous)
    )


def year_mismatch(report: Report, previous: Report) -> list[Problem]:
    """A warning when ``previous`` is not the report of the year before ``report``'s."""
    if previous.year == report.year - 1:
        return []
    return [
        Problem(
            "year",
            "报告年度",
            f"用于比对的上年度报告是 {previous.year} 年度的，而本报告是 {report.year} 年度，"
            f"应与 {report.year - 1} 年度报告比对；以下比对结果可能没有意义",
            "warning",
        )
    ]


def carry_over(report: Report, previous: Report) -> list[Problem]:
    """Per column of table 三 (and 总计): 二、上年结转 against last year's 四、结转下年度继续办理."""
    problems: list[Problem] = []
    this, last = report.applications.carried_over, previous.applications.carried_forward
    for key in [*L.APPLICANT_COLUMNS, "total"]:
        now, before = (
            (row.derived_total if key == "total" else getattr(row, key)) for row in (this, last)
        )
        if now != before:
            problems.append(
                Problem(
                    f"{_T3}.carried_over.{key}",
                    f"{L.T3_CARRIED_OVER} / {column_label(key)}",
                    f"本年度（{report.year}年）{L.T3_CARRIED_OVER} {now} 件，而上年度"
                    f"（{previous.year}年）报告 {L.T3_CARRIED_FORWARD} {before} 件，两者应相等",
                    "warning",
                )
            )
    return problems


def in_force_chain(report: Report, previous: Report) -> list[Problem]:
    """规章 and 行政规范性文件: 现行有效件数 against last year's + 本年制发 − 本年废止."""
    problems: list[Problem] = []
    for key, name in T.DOCUMENT_ROWS.items():
        row = getattr(report.active_disclosure, key)
        before = getattr(previous.active_disclosure, key).in_force
        expected = before + row.issued - row.repealed
        if row.in_force != expected:
            problems.append(
                Problem(
                    f"active_disclosure.{key}.in_force",
                    f"{name} / {L.T2_IN_FORCE}",
                    f"{L.T2_IN_FORCE} {row.in_force}，而按上年度（{previous.year}年）"
                    f"{L.T2_IN_FORCE} {before} + {L.T2_ISSUED} {row.issued} − "
                    f"{L.T2_REPEALED} {row.repealed} 应为 {expected}；"
                    "如本年开展了文件清理（宣布失效等），差额可能由此而来，请核实并在正文中说明",
                    "warning",
                )
            )
    return problems


#: A count is a jump when it is more than this many times last year's, or less than its inverse.
JUMP_FACTOR = 5
#: Both years' counts must be at least this for a jump to count: 1 → 6 is no news.
JUMP_FLOOR = 10


def _jump_paths() -> list[str]:
    """The numbers compared year on year: every cell of 表二, the 总计 of each row of 表三
    and of each group of 表四 (a jump in one column shows in its row's 总计)."""
    wanted = []
    for table in T.TABLES:
        for cell in table.value_cells():
            if table is T.TABLE_2 or cell.path.endswith(".total"):
                wanted.append(cell.path)
    return wanted


def value_at(report: Report, path: str) -> int | Decimal:
    """The number at a value cell's path, derived totals included (``applications.new_received.total``)."""
    root, rest = path.split(".", 1)
    if root == T.TABLE_3.key:
        row_path, column = rest.rsplit(".", 1)
        row = report.applications.row(row_path)
        return row.derived_total if column == "total" else int(getattr(row, column))
    node: Any = getattr(report, root)
    for part in rest.split("."):
        if part == "total" and isinstance(node, CaseCounts):
            return node.derived_total
        node = getattr(node, part)
    assert isinstance(node, int | Decimal), path
    return node


def year_on_year_jumps(report: Report, previous: Report) -> list[Problem]:
    """Numbers over :data:`JUMP_FACTOR` times last year's, or under 1/:data:`JUMP_FACTOR` of it.

    Only where both years are at least :data:`JUMP_FLOOR`; warnings naming the
    field and both years' numbers.  A real change (a new licensing system, a
    campaign of applications) explains many; a slipped digit the rest.
    """
    problems: list[Problem] = []
    for path in _jump_paths():
        now, before = value_at(report, path), value_at(previous, path)
        if now < JUMP_FLOOR or before < JUMP_FLOOR:
            continue
        ratio = Decimal(now) / Decimal(before)
        if ratio <= JUMP_FACTOR and ratio * JUMP_FACTOR >= 1:
            continue
        _, names = describe_path(path.split("."))
        label = " / ".join(names[1:])
        change = f"是上年的 {ratio:.1f} 倍" if ratio > 1 else f"只有上年的 {ratio:.0%}"
        problems.append(
            Problem(
                path,
                label,
                f"本年度（{report.year}年）{_number(now)}，上年度（{previous.year}年）"
                f"{_number(before)}，{change}；请核实是否填错",
                "warning",
            )
        )
    return problems


def _number(value: int | Decimal) -> str:
    return format(value, "f") if isinstance(value, Decimal) else str(value)
