"""What the reviewer's pages show: the year's units as rows, and a report with its problems marked.

Both come from data the service already has: the rows from
:func:`gidoc.web.filing.reviewed_year` (gidoc.review's rules, as
``/api/review``) and the roster; the read-only report from the published
page's grid walk (:func:`gidoc.output.html.table_view`), each cell paired
with the problems the review found at its data path.  Filtering and sorting
are plain query parameters, so the page works without JavaScript.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from gidoc.checking.validate import check
from gidoc.format import labels as L
from gidoc.format import paths
from gidoc.format import tables as T
from gidoc.output.context import build_context, paragraphs
from gidoc.output.html import HtmlCell, table_view
from gidoc.review import Finding, unit_key
from gidoc.review.result import STATUS_TEXT
from gidoc.web.filing import YearReview
from gidoc.web.pages import render

#: A report's workflow status as the pages say it; ``missing``: on the roster, not reported.
STATUS_NAMES = {**render.STATUS_NAMES, "missing": "未报送"}
#: The order statuses sort in: what waits for the reviewer first.
STATUS_ORDER = ("submitted", "returned", "draft", "approved", "missing")
#: The review's verdicts a filter can ask for (gidoc.review's texts).
VERDICTS = {key: STATUS_TEXT[key] for key in ("ok", "warnings", "errors", "unreadable")}
#: The dashboard's sortable columns: key → header text.
COLUMNS = {
    "agency": "单位",
    "status": "状态",
    "verdict": "审核结果",
    "errors": "错误",
    "warnings": "警告",
    "updated": "最后修改",
}
_VERDICT_ORDER = ("unreadable", "errors", "warnings", "ok", "")


def local_time(at: datetime.datetime) -> str:
    """A stored UTC time as the office reads it (the pages' one clock: China Standard Time)."""
    return render.shown_time(at)


@dataclass(frozen=True)
class Row:
    """One unit of the year: its report's status and the review's verdict, or 未报送."""

    agency: str
    status: str
    report_id: int | None = None
    version: int = 0
    verdict: str = ""
    errors: int = 0
    warnings: int = 0
    updated: datetime.datetime | None = None
    listed: bool = True

    @property
    def status_text(self) -> str:
        """The status in Chinese."""
        return STATUS_NAMES[self.status]

    @property
    def verdict_text(self) -> str:
        """The review's verdict in Chinese ("" without a report)."""
        return VERDICTS.get(self.verdict, "")

    @property
    def updated_text(self) -> str:
        """The last change as the office reads it ("" without a report)."""
        return local_time(self.updated) if self.updated else ""


def rows(year: YearReview) -> list[Row]:
    """A row for every report of the year and every roster unit that has none."""
    strangers = {item.source for item in year.review.unexpected}
    found = []
    for item in year.review.reports:
        head = year.heads[item.source]
        found.append(
            Row(
                head.agency,
                head.status,
                head.id,
                head.version,
                item.status,
                len(item.errors),
                len(item.warnings),
                head.updated_at,
                item.source not in strangers,
            )
        )
    found += [Row(name, "missing") for name in year.review.missing]
    return found


@dataclass(frozen=True)
class View:
    """The dashboard's filter and sort, read from the query string (unknown values ignored)."""

    status: str = ""
    verdict: str = ""
    query: str = ""
    sort: str = "status"
    descending: bool = False

    @classmethod
    def read(cls, params: Mapping[str, str]) -> View:
        """The view a query string asks for; ``sort=-errors`` sorts descending."""
        status = params.get("status", "")
        verdict = params.get("verdict", "")
        sort = params.get("sort", "status")
        descending = sort.startswith("-")
        sort = sort.removeprefix("-")
        return cls(
            status if status in STATUS_NAMES else "",
            verdict if verdict in VERDICTS else "",
            params.get("q", "").strip()[:100],
            sort if sort in COLUMNS else "status",
            descending if sort in COLUMNS else False,
        )

    def apply(self, found: Sequence[Row]) -> list[Row]:
        """The rows this view keeps, in its order (ties by unit name)."""
        wanted = unit_key(self.query)
        kept = [
            row
            for row in found
            if (not self.status or row.status == self.status)
            and (not self.verdict or row.verdict == self.verdict)
            and (not wanted or wanted in unit_key(row.agency))
        ]
        kept.sort(key=lambda row: row.agency)
        kept.sort(key=self._key, reverse=self.descending)
        return kept

    def _key(self, row: Row) -> Any:
        if self.sort == "agency":
            return row.agency
        if self.sort == "status":
            return STATUS_ORDER.index(row.status)
        if self.sort == "verdict":
            return _VERDICT_ORDER.index(row.verdict)
        if self.sort == "updated":
            return row.updated or datetime.datetime.min.replace(tzinfo=datetime.timezone.utc)
        return getattr(row, self.sort)

    def headers(self) -> list[dict[str, str]]:
        """Each sortable column: key, text, its ``aria-sort`` and the ``sort`` its button asks for."""
        out = []
        for key, text in COLUMNS.items():
            current = key == self.sort
            aria = ("descending" if self.descending else "ascending") if current else "none"
            ask = f"-{key}" if current and not self.descending else key
            out.append({"key": key, "text": text, "aria_sort": aria, "ask": ask})
        return out


def counts(found: Sequence[Row]) -> dict[str, int]:
    """How many units are in each status (the dashboard's summary line)."""
    return {key: sum(1 for row in found if row.status == key) for key in STATUS_NAMES}


# -- a report, read-only, with its problems marked -------------------------------------------
@dataclass
class Place:
    """A cell or a text field of the report, and the findings placed at it."""

    anchor: str
    path: str
    findings: list[Finding] = field(default_factory=list)


@dataclass(frozen=True)
class MarkedCell:
    """A table cell as the page shows it, with the problems found there."""

    cell: HtmlCell
    place: Place | None


@dataclass(frozen=True)
class TextField:
    """A text of the report (a heading, a paragraph block) and where it sits in the data."""

    heading: str
    level: int
    paragraphs: list[str]
    place: Place


@dataclass
class Marked:
    """The report laid out for reading: text fields and tables in report order, problems placed."""

    sections: list[dict[str, Any]]
    unplaced: list[Finding]
    places: dict[str, Place]

    def anchor_of(self, finding: Finding) -> str:
        """The id of the place on the page where ``finding`` is shown ("" if none)."""
        for place in self.places.values():
            if any(found is finding for found in place.findings):
                return place.anchor
        return ""


def _fits(problem_path: str, place_path: str) -> bool:
    if not problem_path:
        return False
    if problem_path == place_path:
        return True
    return place_path.startswith((problem_path + ".", problem_path + "[")) or (
        problem_path.startswith((place_path + ".", place_path + "["))
    )


def _text(data: Mapping[str, Any], path: str) -> str:
    value = paths.get(data, path)
    return value if isinstance(value, str) else ""


def _fields(data: Mapping[str, Any], places: dict[str, Place]) -> dict[str, list[TextField]]:
    """The text fields of sections 一, 五 and 六, keyed by the section heading."""

    def field_at(heading: str, level: int, path: str) -> TextField:
        place = places.setdefault(path, Place(f"f{len(places)}", path))
        return TextField(heading, level, paragraphs(_text(data, path)), place)

    overview = [field_at("", 0, "overview.summary")]
    subsections = paths.get(data, "overview.sections")
    if isinstance(subsections, list):
        for index, item in enumerate(subsections):
            heading = item.get("heading", "") if isinstance(item, Mapping) else ""
            number = f"（{_chinese(index + 1)}）"
            title = f"{number}{heading}" if isinstance(heading, str) else number
            overview.append(field_at(title, 3, f"overview.sections[{index}].body"))
    return {
        L.SECTION_1: overview,
        L.SECTION_5: [
            field_at(L.PROBLEMS, 3, "problems"),
            field_at(L.IMPROVEMENTS, 3, "improvements"),
        ],
        L.SECTION_6: [field_at("", 0, "other_matters")],
    }


def _chinese(number: int) -> str:
    digits = "零一二三四五六七八九"
    if number < 10:
        return digits[number]
    tens, ones = divmod(number, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def marked(data: Mapping[str, Any], findings: Sequence[Finding]) -> Marked:
    """The report's sections with each finding placed at its cell or field, in report order.

    The tables are the published page's (:func:`table_view`), numbers from the
    template context when the data is valid (so totals show), else as stored.
    A finding is placed at the first cell or field its path names or contains;
    the others (about the whole report) are ``unplaced``.
    """
    checked = check(data, "报告")
    context: Mapping[str, Any] = build_context(checked.report) if checked.report else data
    places: dict[str, Place] = {}
    texts = _fields(data, places)
    tables: dict[str, Any] = {}
    for official in T.TABLES:
        view = table_view(official, context)
        marked_rows = [
            [
                MarkedCell(
                    html,
                    places.setdefault(html.path, Place(f"c{len(places)}", html.path))
                    if html.path
                    else None,
                )
                for html in shown
            ]
            for shown in [*view["head"], *view["body"]]
        ]
        tables[official.section] = {
            **view,
            "head": marked_rows[: official.header_rows],
            "body": marked_rows[official.header_rows :],
        }
    ordered = sorted(places.values(), key=lambda p: _order(p.path))
    unplaced = []
    for finding in findings:
        spot = next((p for p in ordered if _fits(finding.problem.path, p.path)), None)
        if spot is None:
            unplaced.append(finding)
        else:
            spot.findings.append(finding)
    sections = [
        {"heading": heading, "fields": texts.get(heading, []), "table": tables.get(heading)}
        for heading in L.SECTIONS
    ]
    return Marked(sections, unplaced, places)


def _order(path: str) -> tuple[int, int]:
    """Report order of a place: 一's texts, the tables, then 五 and 六."""
    tops = ["overview", *(t.key for t in T.TABLES), "problems", "improvements", "other_matters"]
    top = path.split(".", 1)[0].split("[", 1)[0]
    return (tops.index(top) if top in tops else len(tops), 0)
