"""Sum the units' reports into the report of the level above (本行政区域汇总).

Tables 二, 三 and 四 are summed cell by cell, walking the table declaration
(:mod:`gidoc.format.tables`): every number a clerk fills in, the fee as an
exact decimal, 现行有效件数 too; the totals follow from the sums.  The texts
are left as a blank skeleton for the office to write.  The units summed are
kept in the data as ``aggregated_from`` (agency, file, SHA-256), so that the
result can be traced and an aggregate can itself be summed a level higher.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from gidoc.checking.previous import value_at
from gidoc.checking.validate import check
from gidoc.errors import AggregationRefused
from gidoc.format import paths
from gidoc.format import tables as T
from gidoc.format.models import Report
from gidoc.review.items import ReviewItem, unit_key

#: Errors of one source listed in a refusal; the rest are counted.
MAX_LISTED = 10


def summed_paths() -> list[str]:
    """The data paths of every number a clerk fills in (totals are derived, not summed)."""
    return [cell.path for table in T.TABLES for cell in table.value_cells() if not cell.derived]


def aggregate_data(
    items: Sequence[ReviewItem], agency: str, year: int | None = None
) -> dict[str, Any]:
    """The data of ``agency``'s report summing ``items``; :class:`AggregationRefused` otherwise.

    ``year`` defaults to the year the sources share.  Refused, naming each
    source and why, all at once: a source that cannot be read or is invalid
    (with its errors), one of another year, a unit given twice, an earlier
    aggregate of this same target, and a unit also contained in another
    source that is itself an aggregate.
    """
    reasons: list[tuple[str, str]] = []
    valid: list[tuple[ReviewItem, Report]] = []
    if not items:
        raise AggregationRefused([("汇总", "没有要汇总的报告")])
    for item in items:
        report = _valid(item, reasons)
        if report is not None:
            valid.append((item, report))
    if year is None and valid:
        counts = Counter(report.year for _, report in valid)
        year = max(counts, key=lambda y: (counts[y], y))
    target = unit_key(agency)
    seen: dict[str, str] = {}
    inside: dict[str, str] = {}
    for item, report in valid:
        for unit in report.aggregated_from or ():
            inside.setdefault(unit_key(unit.agency), item.source)
    for item, report in valid:
        key = unit_key(report.agency)
        if report.year != year:
            reasons.append((item.source, f"是 {report.year} 年度的报告，而汇总的是 {year} 年度"))
        if key in seen:
            reasons.append(
                (item.source, f"与 {seen[key]} 是同一单位（{report.agency}）的报告，不能重复计入")
            )
        seen.setdefault(key, item.source)
        if key == target and report.aggregated_from:
            reasons.append((item.source, f"这是 {agency} 之前汇总的结果，不能再计入本次汇总"))
        if key in inside and inside[key] != item.source:
            reasons.append(
                (item.source, f"{report.agency} 已包含在 {inside[key]} 的汇总中，不能重复计入")
            )
    if reasons:
        raise AggregationRefused(reasons)
    assert year is not None
    return _summed(valid, agency, year)


def _valid(item: ReviewItem, reasons: list[tuple[str, str]]) -> Report | None:
    """The item's valid report, or None with the reason added."""
    if item.data is None or item.errors:
        reasons.append((item.source, "无法读取：" + "；".join(item.errors or ["没有数据"])))
        return None
    checked = check(item.data, item.source, item.locations)
    if checked.report is not None and not checked.errors:
        return checked.report
    errors = checked.errors
    listed = "\n".join(str(problem) for problem in errors[:MAX_LISTED])
    more = f"\n……另有 {len(errors) - MAX_LISTED} 处错误" if len(errors) > MAX_LISTED else ""
    reasons.append((item.source, f"数据有 {len(errors)} 处错误，不能汇总：\n{listed}{more}"))
    return None


def _summed(valid: Sequence[tuple[ReviewItem, Report]], agency: str, year: int) -> dict[str, Any]:
    from gidoc.sources.skeleton import skeleton

    try:
        data = skeleton(agency, year)
    except ValueError as exc:
        raise AggregationRefused([("汇总", str(exc))]) from None
    for path in summed_paths():
        total: int | Decimal = sum((value_at(report, path) for _, report in valid), start=0)
        paths.put(data, path, total)
    data["aggregated_from"] = [
        {"agency": report.agency, "file": item.source, "sha256": item.digest()}
        for item, report in valid
    ]
    checked = check(data, agency)
    if checked.report is None or checked.errors:
        raise AggregationRefused(
            [("汇总结果", "；".join(problem.message for problem in checked.errors))]
        )
    return data
