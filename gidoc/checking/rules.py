"""The official cross-checks (errors) and reviewers' plausibility checks (warnings).

Errors are the arithmetic the tables imply (国办公开办函〔2021〕30号 and every
checker in use): per column of table 三 一 + 二 = 三（七）总计 + 四; given totals
equal the derived ones; table 四 总计 = 维持 + 纠正 + 其他 + 尚未审结.
Warnings are what reviewers flag although the format allows it, and (in
:func:`compare_with_previous`) where a report does not follow on from last
year's.  All return :class:`~gidoc.errors.Problem` lists and never raise.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator

from gidoc.errors import Problem
from gidoc.format import labels as L
from gidoc.format.models import ApplicantCounts, ApplicantTotals, CaseCounts, Report

_T3 = "applications"


def _column_label(key: str) -> str:
    """A table 三 column as the header names it: 自然人, 法人或其他组织 / 其他, 总计."""
    if key in L.LEGAL_PERSON_KEYS:
        return f"{L.T3_LEGAL_PERSONS} / {L.APPLICANT_COLUMNS[key]}"
    return L.APPLICANT_COLUMNS.get(key, L.TOTAL)


def _result_label(path: str) -> str:
    if path == "granted":
        return L.T3_GRANTED
    if path == "partially_granted":
        return L.T3_PARTIAL
    group, key = path.split(".")
    name, items = L.RESULT_GROUPS[group]
    return f"{name} {items[key]}"


def _sum_text(parts: dict[str, int], names: dict[str, str]) -> str:
    return " + ".join(f"{names[key]} {value}" for key, value in parts.items())


def _row_total(path: str, label: str, row: ApplicantCounts) -> Iterator[Problem]:
    if row.total is not None and row.total != row.derived_total:
        yield Problem(
            f"{_T3}.{path}.total",
            f"{label} / {L.TOTAL}",
            f"填写的总计 {row.total} 与各列之和不符："
            f"{_sum_text(row.columns(), L.APPLICANT_COLUMNS)} = {row.derived_total}",
        )


def _rows_of_table_3(report: Report) -> Iterator[tuple[str, str, ApplicantCounts]]:
    apps = report.applications
    yield "new_received", L.T3_NEW, apps.new_received
    yield "carried_over", L.T3_CARRIED_OVER, apps.carried_over
    for path, row in apps.results.rows():
        yield f"results.{path}", f"{L.T3_RESULTS} {_result_label(path)}", row
    yield "carried_forward", L.T3_CARRIED_FORWARD, apps.carried_forward


def _given_results_total(given: ApplicantTotals, derived: ApplicantCounts) -> Iterator[Problem]:
    wanted = {**derived.columns(), "total": derived.derived_total}
    for key, want in wanted.items():
        got = getattr(given, key)
        if got is not None and got != want:
            yield Problem(
                f"{_T3}.results.total.{key}",
                f"{L.T3_RESULTS} {L.T3_RESULTS_TOTAL} / {_column_label(key)}",
                f"填写的总计 {got} 与 21 项办理结果之和 {want} 不符",
            )


def _balance(report: Report) -> Iterator[Problem]:
    apps = report.applications
    results = apps.results.derived
    rows = (apps.new_received, apps.carried_over, results, apps.carried_forward)
    for key in [*L.APPLICANT_COLUMNS, "total"]:
        new, old, done, forward = (
            row.derived_total if key == "total" else getattr(row, key) for row in rows
        )
        if new + old != done + forward:
            yield Problem(
                f"{_T3}.*.{key}",
                f"{L.SECTION_3} / {_column_label(key)}列",
                "勾稽关系不成立（第一项加第二项之和，应等于第三项加第四项之和）："
                f"一、本年新收 {new} + 二、上年结转 {old} = {new + old}，"
                f"而 三、{L.T3_RESULTS_TOTAL} {done} + 四、结转下年度继续办理 {forward}"
                f" = {done + forward}",
            )


def _case_total(key: str, group: CaseCounts) -> Iterator[Problem]:
    if group.total is not None and group.total != group.derived_total:
        name = L.CASE_GROUPS[key]
        if key != "reconsideration":
            name = f"{L.T4_LITIGATION} / {name}"
        yield Problem(
            f"review_and_litigation.{key}.total",
            f"{name} / {L.TOTAL}",
            f"填写的总计 {group.total} 与各项之和不符："
            f"{_sum_text(group.columns(), L.CASE_COLUMNS)} = {group.derived_total}",
        )


def cross_check(report: Report) -> list[Problem]:
    """Every official arithmetic relation the report breaks, as errors."""
    problems: list[Problem] = []
    for path, label, row in _rows_of_table_3(report):
        problems += _row_total(path, label, row)
    given = report.applications.results.total
    if given is not None:
        problems += _given_results_total(given, report.applications.results.derived)
    problems += _balance(report)
    for key in L.CASE_GROUPS:
        problems += _case_total(key, getattr(report.review_and_litigation, key))
    return problems


# -- warnings -------------------------------------------------------------------
_NUMBER = r"(\d[\d,，]*)"
_CLAUSE = r"[^。；;！!？?\n]"


def _quoted(pattern: str, text: str) -> Iterator[tuple[str, int]]:
    for match in re.finditer(pattern, text):
        yield match.group(0), int(re.sub(r"[,，]", "", match.group(1)))


def _texts(report: Report) -> Iterator[tuple[str, str, str]]:
    yield "preamble", "前言", report.preamble
    yield "overview.summary", f"{L.SECTION_1} / 综述", report.overview.summary
    for index, section in enumerate(report.overview.sections):
        yield (
            f"overview.sections[{index}].body",
            f"{L.SECTION_1} / {L.sub_heading_number(index + 1)}{section.heading}",
            section.body,
        )
    yield "problems", f"{L.SECTION_5} / {L.PROBLEMS}", report.problems
    yield "improvements", f"{L.SECTION_5} / {L.IMPROVEMENTS}", report.improvements
    yield "other_matters", L.SECTION_6, report.other_matters


def _text_rules(report: Report) -> list[tuple[str, list[int], str]]:
    """(pattern, acceptable numbers, what the table says) for numbers quoted in texts."""
    apps = report.applications
    results = apps.results
    new = apps.new_received.derived_total
    old = apps.carried_over.derived_total
    rl = report.review_and_litigation
    litigation = (
        rl.litigation_direct.derived_total + rl.litigation_after_reconsideration.derived_total
    )
    rules = [
        (
            rf"(?:新收|收到|受理|接收){_CLAUSE}{{0,16}}?申请{_CLAUSE}{{0,4}}?{_NUMBER}\s*件",
            [new, new + old],
            f"表三 一、本年新收 {new} 件（含上年结转共 {new + old} 件）",
        ),
        (
            rf"上年结转{_CLAUSE}{{0,12}}?{_NUMBER}\s*件",
            [old],
            f"表三 二、上年结转 {old} 件",
        ),
        (
            rf"(?:结转下年度|转下年度|结转至下年度){_CLAUSE}{{0,8}}?{_NUMBER}\s*件",
            [apps.carried_forward.derived_total],
            f"表三 四、结转下年度继续办理 {apps.carried_forward.derived_total} 件",
        ),
        (
            rf"予以公开{_CLAUSE}{{0,4}}?{_NUMBER}\s*件",
            [results.granted.derived_total],
            f"表三 （一）予以公开 {results.granted.derived_total} 件",
        ),
        (
            rf"部分公开{_CLAUSE}{{0,4}}?{_NUMBER}\s*件",
            [results.partially_granted.derived_total],
            f"表三 （二）部分公开 {results.partially_granted.derived_total} 件",
        ),
        (
            rf"行政复议(?:案件)?{_CLAUSE}{{0,6}}?{_NUMBER}\s*[件起]",
            [rl.reconsideration.derived_total],
            f"表四 行政复议总计 {rl.reconsideration.derived_total} 件",
        ),
        (
            rf"行政诉讼(?:案件)?{_CLAUSE}{{0,6}}?{_NUMBER}\s*[件起]",
            [litigation],
            f"表四 行政诉讼总计 {litigation} 件",
        ),
    ]
    for group in ("withheld", "unable_to_provide", "not_processed"):
        name = L.RESULT_GROUPS[group][0]
        word = name[3:]
        total = results.group_total(group)
        rules.append(
            (rf"{word}{_CLAUSE}{{0,4}}?{_NUMBER}\s*件", [total], f"表三 {name} 合计 {total} 件")
        )
    return rules


def _text_numbers(report: Report) -> Iterator[Problem]:
    rules = _text_rules(report)
    for path, label, text in _texts(report):
        for pattern, accepted, table in rules:
            for quote, number in _quoted(pattern, text):
                if number not in accepted:
                    yield Problem(
                        path,
                        label,
                        f"文中「{quote}」与表格不一致：{table}",
                        "warning",
                    )
        if report.applications.new_received.derived_total and re.search(
            rf"未(?:收到|受理|接到){_CLAUSE}*申请", text
        ):
            yield Problem(
                path,
                label,
                "文中说未收到政府信息公开申请，而表三 一、本年新收 为 "
                f"{report.applications.new_received.derived_total} 件",
                "warning",
            )


_EMPTY_WORDS = {"", "无", "暂无", "没有", "无。", "暂无。"}


def review(report: Report) -> list[Problem]:
    """What reviewers flag although the format allows it, as warnings."""
    problems: list[Problem] = list(_text_numbers(report))
    for key, label in (("problems", L.PROBLEMS), ("improvements", L.IMPROVEMENTS)):
        text = getattr(report, key).strip()
        if text in _EMPTY_WORDS:
            problems.append(
                Problem(
                    key,
                    f"{L.SECTION_5} / {label}",
                    "内容为空或为「无」；审核时通常要求如实写明存在的问题和改进措施",
                    "warning",
                )
            )
    fee_overdue = report.applications.results.other.fee_overdue.derived_total
    if fee_overdue and "处理费" not in report.other_matters:
        problems.append(
            Problem(
                "other_matters",
                L.SECTION_6,
                f"表三 （六）其他处理 2.（逾期未缴纳费用）为 {fee_overdue} 件，说明收取过信息处理费，"
                "而本节未提及信息处理费；收取信息处理费的情况应在此报告",
                "warning",
            )
        )
    overview = report.overview
    if not overview.summary.strip() and not overview.sections:
        problems.append(Problem("overview", L.SECTION_1, "没有内容：综述和分项都为空", "warning"))
    if report.year < 2021:
        problems.append(
            Problem(
                "year",
                "报告年度",
                f"{report.year} 年度的报告应使用 2019 年试行格式；gidoc 生成的是"
                "国办公开办函〔2021〕30号 格式（2021 年度起适用）",
                "warning",
            )
        )
    if report.date is not None and report.date <= datetime.date(report.year, 12, 31):
        problems.append(
            Problem(
                "date",
                "落款日期",
                f"{report.date.isoformat()} 早于 {report.year} 年度结束；年度报告一般在次年 1 月落款",
                "warning",
            )
        )
    return problems


# -- comparison with last year's report ----------------------------------------------
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
                    f"{L.T3_CARRIED_OVER} / {_column_label(key)}",
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
