"""The outcome of a review: per report its status and findings, the roster's gaps, a summary.

:class:`Review` is what ``gidoc review`` prints, writes into its workbook or
page, and turns into an exit code; a web service gets the same from
:meth:`Review.as_json`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from gidoc.errors import Problem
from gidoc.format import labels as L
from gidoc.format.models import Report

Status = Literal["ok", "warnings", "errors", "unreadable"]

#: How each status reads in the text, the workbook and the page.
STATUS_TEXT: dict[Status, str] = {
    "ok": "通过",
    "warnings": "有警告",
    "errors": "有错误",
    "unreadable": "无法读取",
}

#: What each rule checks, as the workbook and the page explain it.
RULES: dict[str, str] = {
    "unreadable": "文件无法读取",
    "format": "数据不符合格式",
    "cross_check": "勾稽关系、合计",
    "reading": "读取时的提示",
    "check": "审核提示（与 gidoc check 相同）",
    "required_content": "必备内容",
    "duplicate_unit": "同一单位报送多份",
    "previous_missing": "没有上年报告",
    "previous_year": "上年报告的年度",
    "carry_over": "上年结转衔接",
    "in_force_chain": f"{L.T2_IN_FORCE}衔接",
    "year_jump": "与上年相比大幅变化",
    "repeated_text": "沿用上年文字",
    "copied_text": "与其他单位文字雷同",
}


@dataclass(frozen=True)
class Finding:
    """One problem a review found, with the rule that found it (a key of :data:`RULES`)."""

    rule: str
    problem: Problem

    @property
    def severity(self) -> str:
        """``error`` or ``warning``."""
        return self.problem.severity

    @property
    def place(self) -> str:
        """Where it is, as a reader looks for it: the cell in the source, then the field's name."""
        parts = [self.problem.cell, self.problem.label or self.problem.path]
        return " ".join(part for part in parts if part)

    def as_json(self) -> dict[str, str]:
        """``{"rule", "path", "label", "message"}``."""
        return {
            "rule": self.rule,
            "path": self.problem.path,
            "label": self.problem.label,
            "message": self.problem.message,
        }


@dataclass
class ReportReview:
    """One report's verdict: what it is, and every finding about it."""

    source: str
    agency: str
    year: int | None
    report: Report | None
    findings: list[Finding] = field(default_factory=list)
    unreadable: bool = False

    @property
    def errors(self) -> list[Finding]:
        """Findings that are errors."""
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        """Findings that are warnings."""
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def status(self) -> Status:
        """``unreadable``, ``errors``, ``warnings`` or ``ok``."""
        if self.unreadable:
            return "unreadable"
        if self.errors:
            return "errors"
        return "warnings" if self.warnings else "ok"

    def headline(self) -> dict[str, int | Decimal] | None:
        """The numbers a reviewer looks at first, or None without a valid report.

        ``new_received`` 新收, ``handled`` 办理结果总计, ``carried_forward`` 结转下年度,
        ``reconsideration`` 行政复议, ``litigation`` 行政诉讼 (both kinds), ``fees`` 收费 (万元).
        """
        if self.report is None:
            return None
        apps = self.report.applications
        cases = self.report.review_and_litigation
        return {
            "new_received": apps.new_received.derived_total,
            "handled": apps.results.derived.derived_total,
            "carried_forward": apps.carried_forward.derived_total,
            "reconsideration": cases.reconsideration.derived_total,
            "litigation": cases.litigation_direct.derived_total
            + cases.litigation_after_reconsideration.derived_total,
            "fees": self.report.active_disclosure.administrative_fees,
        }

    def as_json(self) -> dict[str, Any]:
        """``{"file", "agency", "year", "status", "errors", "warnings"}``."""
        return {
            "file": self.source,
            "agency": self.agency,
            "year": self.year,
            "status": self.status,
            "errors": [f.as_json() for f in self.errors],
            "warnings": [f.as_json() for f in self.warnings],
        }


@dataclass(frozen=True)
class Unexpected:
    """A report of a unit that the roster does not list."""

    source: str
    agency: str

    def as_json(self) -> dict[str, str]:
        """``{"file", "agency"}``."""
        return {"file": self.source, "agency": self.agency}


@dataclass(frozen=True)
class UnusablePrevious:
    """A file given as last year's report that cannot be compared with (unreadable or invalid)."""

    source: str
    message: str

    def as_json(self) -> dict[str, str]:
        """``{"file", "message"}``."""
        return {"file": self.source, "message": self.message}


@dataclass
class Review:
    """The review of a batch of reports: each report's verdict, who is missing, a summary."""

    reports: list[ReportReview]
    missing: list[str] = field(default_factory=list)
    unexpected: list[Unexpected] = field(default_factory=list)
    unusable_previous: list[UnusablePrevious] = field(default_factory=list)
    roster_given: bool = False

    @property
    def ok(self) -> bool:
        """True when no report has an error and every report could be read."""
        return all(item.status in ("ok", "warnings") for item in self.reports)

    @property
    def exit_code(self) -> int:
        """0 when no report has errors (warnings, missing units allowed), 1 otherwise."""
        return 0 if self.ok else 1

    def summary(self) -> dict[str, int]:
        """Counts: reports, each status, errors and warnings in all, missing and unexpected units."""
        statuses = [item.status for item in self.reports]
        return {
            "reports": len(self.reports),
            "ok": statuses.count("ok"),
            "warnings": statuses.count("warnings"),
            "errors": statuses.count("errors"),
            "unreadable": statuses.count("unreadable"),
            "error_count": sum(len(item.errors) for item in self.reports),
            "warning_count": sum(len(item.warnings) for item in self.reports),
            "missing": len(self.missing),
            "unexpected": len(self.unexpected),
        }

    def as_json(self) -> dict[str, Any]:
        """``{"reports": [...], "missing": [...], "unexpected": [...], "summary": {...}}``.

        ``previous_unusable`` lists last year's files that could not be compared with.
        """
        return {
            "reports": [item.as_json() for item in self.reports],
            "missing": list(self.missing),
            "unexpected": [item.as_json() for item in self.unexpected],
            "previous_unusable": [item.as_json() for item in self.unusable_previous],
            "summary": self.summary(),
        }

    def summary_line(self) -> str:
        """One line: how many reports, how many with errors or warnings, who is missing."""
        s = self.summary()
        parts = [
            f"共 {s['reports']} 份报告",
            f"{s['errors'] + s['unreadable']} 份有错误或无法读取",
            f"{s['warnings']} 份只有警告",
            f"{s['ok']} 份通过",
        ]
        if self.roster_given:
            parts.append(f"名单中 {s['missing']} 个单位未报送，{s['unexpected']} 份不在名单中")
        return "，".join(parts)

    def lines(self) -> Iterator[str]:
        """The review as text: each report with its findings, the roster's gaps, the summary."""
        for item in self.reports:
            name = f"{item.source}（{item.agency}）" if item.agency else item.source
            counts = f"{len(item.errors)} 个错误，{len(item.warnings)} 个警告"
            yield f"{name}：{STATUS_TEXT[item.status]}" + (
                "" if item.status == "ok" else f"，{counts}"
            )
            for finding in item.findings:
                yield f"  [{RULES[finding.rule]}] {finding.problem}"
        for previous in self.unusable_previous:
            yield f"上年报告无法用于比对：{previous.message}"
        if self.missing:
            yield f"未报送（{len(self.missing)} 个单位）：{'、'.join(self.missing)}"
        if self.unexpected:
            names = "、".join(f"{u.agency}（{u.source}）" for u in self.unexpected)
            yield f"不在名单中（{len(self.unexpected)} 份）：{names}"
        yield self.summary_line()

    def __str__(self) -> str:
        return "\n".join(self.lines())
