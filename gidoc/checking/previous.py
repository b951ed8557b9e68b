"""Does this year's report follow on from last year's?  Warnings only.

A 文件清理 may explain a broken 现行有效件数 chain, and last year's published
report may itself have been wrong, so nothing here blocks rendering.
"""

from __future__ import annotations

from gidoc.checking.rules import column_label
from gidoc.errors import Problem
from gidoc.format import labels as L
from gidoc.format.models import Report

_T3 = "applications"


def compare_with_previous(report: Report, previous: Report) -> list[Problem]:
    """Where this year's report does not follow on from last year's, as warnings.

    Per column of table 三 (and 总计), 二、上年结转 should equal last year's
    四、结转下年度继续办理; 规章 and 行政规范性文件 现行有效件数 should equal last
    year's plus 本年制发 minus 本年废止.  Only warnings: a 清理 may explain the
    latter, and last year's published report may itself have been wrong.
    """
    problems: list[Problem] = []
    if previous.year != report.year - 1:
        problems.append(
            Problem(
                "year",
                "报告年度",
                f"用于比对的上年度报告是 {previous.year} 年度的，而本报告是 {report.year} 年度，"
                f"应与 {report.year - 1} 年度报告比对；以下比对结果可能没有意义",
                "warning",
            )
        )
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
    for key, name in (("rules", L.T2_RULES), ("normative_documents", L.T2_NORMATIVE)):
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
