"""The official cross-checks (errors) and reviewers' plausibility checks (warnings).

Errors are the arithmetic the tables imply (国办公开办函〔2021〕30号 and every
checker in use): per column of table 三 一 + 二 = 三（七）总计 + 四; given totals
equal the derived ones; table 四 总计 = 维持 + 纠正 + 其他 + 尚未审结.
Warnings are what reviewers flag although the format allows it (the comparison
with last year's report is in :mod:`gidoc.checking.previous`).  All return :class:`~gidoc.errors.Problem` lists and never raise.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator

from gidoc.errors import Problem
from gidoc.format import labels as L
from gidoc.format import tables as T
from gidoc.format.models import (
    MAX_TOTAL_TEXT,
    ApplicantCounts,
    ApplicantTotals,
    CaseCounts,
    Report,
)

_T3 = T.TABLE_3.key
_T3_NAME = T.TABLE_3.name
_T4_NAME = T.TABLE_4.name


_COLUMNS = {column.key: column for column in T.TABLE_3_COLUMNS}


def column_label(key: str) -> str:
    """A table 三 column as the header names it: 自然人, 法人或其他组织 / 其他, 总计."""
    return _COLUMNS[key].full_label


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
    for row in T.TABLE_3_ROWS:
        if not row.derived:
            yield row.path, row.full_label, report.applications.row(row.path)


def _given_results_total(given: ApplicantTotals, derived: ApplicantCounts) -> Iterator[Problem]:
    wanted = {**derived.columns(), "total": derived.derived_total}
    for key, want in wanted.items():
        got = getattr(given, key)
        if got is not None and got != want:
            yield Problem(
                f"{_T3}.results.total.{key}",
                f"{L.T3_RESULTS} {L.T3_RESULTS_TOTAL} / {column_label(key)}",
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
                f"{L.SECTION_3} / {column_label(key)}列",
                "勾稽关系不成立（第一项加第二项之和，应等于第三项加第四项之和）："
                f"{L.T3_NEW_SHORT} {new} + {L.T3_CARRIED_OVER_SHORT} {old} = {new + old}，"
                f"而 {L.T3_RESULTS[:2]}{L.T3_RESULTS_TOTAL} {done} + {L.T3_CARRIED_FORWARD} {forward}"
                f" = {done + forward}",
            )


def _case_total(key: str, group: CaseCounts) -> Iterator[Problem]:
    if group.total is not None and group.total != group.derived_total:
        name = T.case_group_label(key)
        yield Problem(
            f"review_and_litigation.{key}.total",
            f"{name} / {L.TOTAL}",
            f"填写的总计 {group.total} 与各项之和不符："
            f"{_sum_text(group.columns(), L.CASE_COLUMNS)} = {group.derived_total}",
        )


def _total_text(report: Report) -> Iterator[Problem]:
    """An error, at the longest text, when all texts together exceed what render can write."""
    texts = list(_texts(report))
    texts += [
        (
            f"overview.sections[{i}].heading",
            f"{L.SECTION_1} / {L.sub_heading_number(i + 1)}",
            s.heading,
        )
        for i, s in enumerate(report.overview.sections)
    ]
    total = sum(len(text) for _, _, text in texts)
    if total > MAX_TOTAL_TEXT:
        path, label, longest = max(texts, key=lambda item: len(item[2]))
        yield Problem(
            path,
            label,
            f"报告的文字共 {total:,} 字，超过 gidoc 能生成的上限 {MAX_TOTAL_TEXT:,} 字"
            f"（一份年报全文通常不到 2 万字）；本项 {len(longest):,} 字，最长",
        )


def cross_check(report: Report) -> list[Problem]:
    """Every official arithmetic relation the report breaks, and a report too long to write."""
    problems: list[Problem] = list(_total_text(report))
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
            f"{_T3_NAME} {L.T3_NEW_SHORT} {new} 件（含上年结转共 {new + old} 件）",
        ),
        (
            rf"上年结转{_CLAUSE}{{0,12}}?{_NUMBER}\s*件",
            [old],
            f"{_T3_NAME} {L.T3_CARRIED_OVER_SHORT} {old} 件",
        ),
        (
            rf"(?:结转下年度|转下年度|结转至下年度){_CLAUSE}{{0,8}}?{_NUMBER}\s*件",
            [apps.carried_forward.derived_total],
            f"{_T3_NAME} {L.T3_CARRIED_FORWARD} {apps.carried_forward.derived_total} 件",
        ),
        (
            rf"予以公开{_CLAUSE}{{0,4}}?{_NUMBER}\s*件",
            [results.granted.derived_total],
            f"{_T3_NAME} {L.T3_GRANTED} {results.granted.derived_total} 件",
        ),
        (
            rf"部分公开{_CLAUSE}{{0,4}}?{_NUMBER}\s*件",
            [results.partially_granted.derived_total],
            f"{_T3_NAME} {L.T3_PARTIAL_SHORT} {results.partially_granted.derived_total} 件",
        ),
        (
            rf"行政复议(?:案件)?{_CLAUSE}{{0,6}}?{_NUMBER}\s*[件起]",
            [rl.reconsideration.derived_total],
            f"{_T4_NAME} {L.T4_RECONSIDERATION}{L.TOTAL} {rl.reconsideration.derived_total} 件",
        ),
        (
            rf"行政诉讼(?:案件)?{_CLAUSE}{{0,6}}?{_NUMBER}\s*[件起]",
            [litigation],
            f"{_T4_NAME} {L.T4_LITIGATION}{L.TOTAL} {litigation} 件",
        ),
    ]
    for group in ("withheld", "unable_to_provide", "not_processed"):
        name = L.RESULT_GROUPS[group][0]
        word = name[3:]
        total = results.group_total(group)
        rules.append(
            (
                rf"{word}{_CLAUSE}{{0,4}}?{_NUMBER}\s*件",
                [total],
                f"{_T3_NAME} {name} 合计 {total} 件",
            )
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
                f"文中说未收到政府信息公开申请，而{_T3_NAME} {L.T3_NEW_SHORT} 为 "
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
                f"{_T3_NAME} {L.RESULT_GROUPS['other'][0]} 2.（逾期未缴纳费用）为 {fee_overdue} 件，说明收取过信息处理费，"
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
