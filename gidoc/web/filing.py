"""What may be done with reports, and doing it: the service's rules, free of HTTP.

The JSON API (:mod:`gidoc.web.api`) and the browser pages call these
functions; each takes the engine and the :class:`~gidoc.web.auth.Principal`,
checks the role and the agency, does the work in one transaction, writes the
audit log, and returns plain data or raises :class:`Refused` with the HTTP
status and the Chinese text.  A report the account may not read is "not
found" (404) — never "forbidden" — so its existence is not revealed either.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Connection, Engine

from gidoc.checking.validate import Checked, check, describe_path
from gidoc.format import paths
from gidoc.format import tables as T
from gidoc.web.auth import Principal
from gidoc.web.db import store
from gidoc.web.db.engine import reading, writing
from gidoc.web.exact_json import dumps

if TYPE_CHECKING:
    from gidoc.review import Review

#: Statuses in which the clerk may still change the report.
EDITABLE = ("draft", "returned")
NOT_FOUND = "报告不存在，或当前账号无权查看"


class Refused(Exception):
    """A request the rules refuse: ``status`` is the HTTP status, the text says why in Chinese."""

    def __init__(self, status: int, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.extra = extra


def parse_data(text: str) -> dict[str, Any]:
    """Stored JSON text back to report data (decimals as :class:`~decimal.Decimal`)."""
    data: dict[str, Any] = json.loads(text, parse_float=Decimal)
    return data


def problems_json(checked: Checked) -> dict[str, Any]:
    """The check result as the API gives it: ``{"valid", "errors", "warnings"}``."""
    return {
        "valid": checked.ok,
        "errors": [p.as_dict() for p in checked.errors],
        "warnings": [p.as_dict() for p in checked.warnings],
    }


def _label(path: str) -> str:
    parts = [int(p[1:-1]) if p.startswith("[") else p for p in paths._PART.findall(path)]
    return " / ".join(describe_path(parts)[1])


def _owner(data: Mapping[str, Any]) -> tuple[str, int]:
    """The agency and year a report's data names; Refused (422) when either is missing."""
    agency = data.get("agency")
    year = data.get("year")
    if not isinstance(agency, str) or not agency.strip():
        raise Refused(422, f"数据中缺少{_label('agency')}（agency），无法确定报告属于哪个单位")
    if not isinstance(year, int) or isinstance(year, bool):
        raise Refused(422, f"数据中缺少{_label('year')}（year），或不是整数")
    return agency.strip(), year


# -- who may see and change what ------------------------------------------------------
def _readable(principal: Principal, report: store.Report) -> bool:
    role = principal.user.role
    if role == "reviewer":
        return True
    return role == "clerk" and principal.user.agency_id == report.agency_id


def _visible(conn: Connection, principal: Principal, report_id: int) -> store.Report:
    if principal.user.role == "admin":
        raise Refused(403, "管理员账号管理单位和账号，不查看报告；请用审核人或填报人账号")
    found = store.report(conn, report_id)
    if found is None or not _readable(principal, found):
        raise Refused(404, NOT_FOUND)
    return found


def _writable(conn: Connection, principal: Principal, report_id: int) -> store.Report:
    found = _visible(conn, principal, report_id)
    if principal.user.role != "clerk":
        raise Refused(403, "只有本单位的填报人可以修改报告")
    return found


def _editable(found: store.Report, expected: int) -> None:
    if found.version != expected:
        raise Refused(
            409,
            f"报告已被他人修改（当前为第 {found.version} 版，您编辑的是第 {expected} 版）；"
            "请重新打开报告，核对后再保存",
            version=found.version,
        )
    if found.status not in EDITABLE:
        state = "已提交审核" if found.status == "submitted" else "已审核通过"
        raise Refused(409, f"报告{state}，不能再修改；如需修改请审核人退回", version=found.version)


# -- reading ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Opened:
    """A report's head and the data of its latest version."""

    report: store.Report
    data: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        """``{"id", "agency", "year", "version", "status", "data"}``."""
        return {**head_json(self.report), "data": self.data}


def head_json(report: store.Report) -> dict[str, Any]:
    """A report's head as the API lists it."""
    return {
        "id": report.id,
        "agency": report.agency,
        "year": report.year,
        "status": report.status,
        "version": report.version,
        "updated_at": report.updated_at.isoformat(),
    }


def open_report(engine: Engine, principal: Principal, report_id: int) -> Opened:
    """The report and its latest data; 404 if the account may not read it."""
    with reading(engine) as conn:
        found = _visible(conn, principal, report_id)
        latest = store.version(conn, report_id, found.version)
    assert latest is not None
    assert latest.data is not None
    return Opened(found, parse_data(latest.data))


def list_reports(
    engine: Engine, principal: Principal, year: int | None = None
) -> list[store.Report]:
    """The reports the account may read: its agency's (clerk) or all (reviewer)."""
    if principal.user.role == "admin":
        raise Refused(403, "管理员账号管理单位和账号，不查看报告；请用审核人或填报人账号")
    with reading(engine) as conn:
        if principal.user.role == "clerk":
            return store.list_reports(conn, agency_id=principal.user.agency_id, year=year)
        return store.list_reports(conn, year=year)


def versions(engine: Engine, principal: Principal, report_id: int) -> list[store.Version]:
    """Every version of a readable report, newest first."""
    with reading(engine) as conn:
        _visible(conn, principal, report_id)
        return store.list_versions(conn, report_id)


def version_data(
    engine: Engine, principal: Principal, report_id: int, number: int
) -> tuple[store.Version, dict[str, Any]]:
    """One version of a readable report and its data; 404 if there is no such version."""
    with reading(engine) as conn:
        _visible(conn, principal, report_id)
        found = store.version(conn, report_id, number)
    if found is None or found.data is None:
        raise Refused(404, f"报告没有第 {number} 版")
    return found, parse_data(found.data)


@dataclass(frozen=True)
class Change:
    """A number that differs between two versions: where it sits and both values."""

    path: str
    table: str
    label: str
    before: Any
    after: Any

    def as_json(self) -> dict[str, Any]:
        """``{"path", "table", "label", "from", "to"}``."""
        return {
            "path": self.path,
            "table": self.table,
            "label": self.label,
            "from": self.before,
            "to": self.after,
        }


def changed_numbers(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Change]:
    """The numbers of the three official tables that differ, in table order (a missing count is 0)."""
    changes = []
    for official in T.TABLES:
        for cell in official.value_cells():
            if cell.derived:
                continue
            old, new = paths.get(before, cell.path), paths.get(after, cell.path)
            old = 0 if old is paths.MISSING else old
            new = 0 if new is paths.MISSING else new
            if old != new:
                changes.append(Change(cell.path, official.name, _label(cell.path), old, new))
    return changes


def changed_texts(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """The top-level parts outside the tables whose content differs (their paths)."""
    tables = {official.key for official in T.TABLES}
    keys = sorted((set(before) | set(after)) - tables)
    return [key for key in keys if before.get(key) != after.get(key)]


def compare(
    engine: Engine, principal: Principal, report_id: int, first: int, second: int
) -> dict[str, Any]:
    """What changed from version ``first`` to ``second``: numbers, and which texts."""
    _, before = version_data(engine, principal, report_id, first)
    _, after = version_data(engine, principal, report_id, second)
    return {
        "from": first,
        "to": second,
        "numbers": [change.as_json() for change in changed_numbers(before, after)],
        "texts": [{"path": p, "label": _label(p)} for p in changed_texts(before, after)],
    }


# -- writing ----------------------------------------------------------------------------
def create_report(
    engine: Engine, principal: Principal, data: dict[str, Any], address: str, *, how: str = "create"
) -> store.Report:
    """File a new report (version 1) for the clerk's own agency and the data's year.

    403 for another agency or a role that does not file; 409 (with the existing
    report's id) if the agency has a report for that year already.
    """
    agency_name, year = _owner(data)
    user = principal.user
    if user.role != "clerk":
        raise Refused(403, "只有填报人可以新建报告")
    if agency_name != user.agency:
        raise Refused(403, f"当前账号属于「{user.agency}」，不能为「{agency_name}」填报")
    assert user.agency_id is not None
    text = dumps(data)
    with writing(engine) as conn:
        try:
            created = store.create_report(conn, user.agency_id, year, text, user.id)
        except store.ReportExists as exc:
            raise Refused(
                409, f"「{agency_name}」{year} 年的报告已经存在，请打开它修改", id=exc.report_id
            ) from None
        store.log(conn, user, how, f"report {created.id} v1", address)
    return created


def save_report(
    engine: Engine,
    principal: Principal,
    report_id: int,
    expected: int,
    data: dict[str, Any],
    address: str,
    *,
    how: str = "save",
) -> int:
    """Save ``data`` as the version after ``expected``; the new number.

    409 when ``expected`` is not the latest version (someone saved in between)
    or the report is submitted or approved; 422 if the data names another
    agency or year.
    """
    agency_name, year = _owner(data)
    text = dumps(data)
    with writing(engine) as conn:
        found = _writable(conn, principal, report_id)
        if (agency_name, year) != (found.agency, found.year):
            raise Refused(
                422,
                f"这份报告属于「{found.agency}」{found.year} 年，数据中的"
                f"{_label('agency')}和{_label('year')}不能改为「{agency_name}」{year} 年",
            )
        _editable(found, expected)
        try:
            number = store.save_version(conn, report_id, expected, text, principal.user.id)
        except store.StaleVersion as exc:
            raise Refused(
                409, f"报告已被他人修改（当前为第 {exc.current} 版）", version=exc.current
            ) from None
        store.log(conn, principal.user, how, f"report {report_id} v{number}", address)
    return number


def restore_version(
    engine: Engine, principal: Principal, report_id: int, expected: int, number: int, address: str
) -> int:
    """Save an old version's data again as the newest version (nothing is lost); the new number."""
    with writing(engine) as conn:
        found = _writable(conn, principal, report_id)
        _editable(found, expected)
        old = store.version(conn, report_id, number)
        if old is None or old.data is None:
            raise Refused(404, f"报告没有第 {number} 版")
        try:
            new = store.save_version(
                conn, report_id, expected, old.data, principal.user.id, restored_from=number
            )
        except store.StaleVersion as exc:
            raise Refused(
                409, f"报告已被他人修改（当前为第 {exc.current} 版）", version=exc.current
            ) from None
        store.log(
            conn, principal.user, "restore", f"report {report_id} v{new} from v{number}", address
        )
    return new


def submit(
    engine: Engine, principal: Principal, report_id: int, expected: int, note: str, address: str
) -> store.Report:
    """Hand the report at version ``expected`` to the reviewers; 422 while it has errors."""
    with writing(engine) as conn:
        found = _writable(conn, principal, report_id)
        _editable(found, expected)
        latest = store.version(conn, report_id, found.version)
        assert latest is not None
        assert latest.data is not None
        checked = check(parse_data(latest.data), f"{found.agency}{found.year}")
        if not checked.ok:
            raise Refused(
                422,
                f"报告还有 {len(checked.errors)} 处错误，改正后才能提交",
                errors=[p.as_dict() for p in checked.errors],
            )
        if not store.set_status(conn, report_id, expected, EDITABLE, "submitted"):
            raise Refused(409, "报告已被他人修改，请重新打开后再提交")
        store.add_comment(conn, report_id, principal.user.id, "submit", expected, note)
        store.log(conn, principal.user, "submit", f"report {report_id} v{expected}", address)
        done = store.report(conn, report_id)
    assert done is not None
    return done


def decide(
    engine: Engine,
    principal: Principal,
    report_id: int,
    expected: int,
    approve: bool,
    note: str,
    address: str,
) -> store.Report:
    """A reviewer returns (with a note saying what to fix) or approves a submitted report."""
    if principal.user.role != "reviewer":
        raise Refused(403, "只有审核人可以退回或通过报告")
    if not approve and not note.strip():
        raise Refused(422, "退回报告时请写明需要修改的内容")
    with writing(engine) as conn:
        found = _visible(conn, principal, report_id)
        if found.status != "submitted":
            raise Refused(409, "报告尚未提交（或已处理），不能退回或通过")
        if found.version != expected:
            raise Refused(409, f"报告已有新的版本（第 {found.version} 版）", version=found.version)
        status = "approved" if approve else "returned"
        if not store.set_status(conn, report_id, expected, ("submitted",), status):
            raise Refused(409, "报告已被他人处理，请刷新后再试")
        kind = "approve" if approve else "return"
        store.add_comment(conn, report_id, principal.user.id, kind, expected, note)
        store.log(conn, principal.user, kind, f"report {report_id} v{expected}", address)
        done = store.report(conn, report_id)
    assert done is not None
    return done


def comments(engine: Engine, principal: Principal, report_id: int) -> list[store.Comment]:
    """The comments and notes of a readable report, oldest first."""
    with reading(engine) as conn:
        _visible(conn, principal, report_id)
        return store.list_comments(conn, report_id)


def add_comment(
    engine: Engine, principal: Principal, report_id: int, body: str, address: str
) -> None:
    """Comment on a readable report (its clerks and the reviewers talk there)."""
    if not body.strip():
        raise Refused(422, "评论内容不能为空")
    with writing(engine) as conn:
        found = _visible(conn, principal, report_id)
        store.add_comment(conn, report_id, principal.user.id, "comment", found.version, body)
        store.log(conn, principal.user, "comment", f"report {report_id}", address)


@dataclass(frozen=True)
class YearReview:
    """A year's stored reports reviewed by gidoc.review's rules: the review and each report's head.

    ``heads`` maps each review item's ``source`` to its report; ``roster``
    holds the year's expected units (empty: no roster kept for the year).
    """

    review: Review
    heads: dict[str, store.Report]
    roster: list[str]


def report_source(report: store.Report) -> str:
    """A report named for a reader of the review: 「某某局2025年报告」."""
    return f"{report.agency}{report.year}年报告"


def reviewed_year(
    engine: Engine,
    principal: Principal,
    year: int,
    source: Callable[[store.Report], str] = lambda report: str(report.id),
) -> YearReview:
    """Every report of ``year`` (its latest version) reviewed against last year's and the roster.

    The one place the service applies :func:`gidoc.review.review_data`: the
    API, the dashboard and the review workbook all come from here.  ``source``
    names each report in the review (its id by default).
    """
    from gidoc.review import ReviewItem, review_data

    if principal.user.role != "reviewer":
        raise Refused(403, "只有审核人可以查看全年审核情况")
    with reading(engine) as conn:
        current = store.list_reports(conn, year=year)
        before = store.list_reports(conn, year=year - 1)
        texts = store.latest_data(conn, [r.id for r in current + before])
        roster = [a.name for a in store.roster_for(conn, year)]

    def items(found: list[store.Report]) -> list[ReviewItem]:
        return [ReviewItem(source(r), parse_data(texts[r.id])) for r in found]

    review = review_data(items(current), previous=items(before), roster=roster or None)
    return YearReview(review, {source(r): r for r in current}, roster)


def review_year(engine: Engine, principal: Principal, year: int) -> dict[str, Any]:
    """The reviewing office's view of a year, by :func:`gidoc.review.review_data`'s rules.

    Every report of ``year`` (its latest version) is reviewed against the
    units' reports of the year before and the year's roster (no roster: no
    ``missing``).  Each entry names the report by ``id``, gives its workflow
    ``status`` (draft, submitted…) and the review's verdict as ``verdict``
    (ok, warnings, errors).
    """
    done = reviewed_year(engine, principal, year)
    answer = done.review.as_json()
    for entry in answer["reports"]:
        head = done.heads[entry.pop("file")]
        entry.update(id=head.id, agency=head.agency, year=head.year, verdict=entry["status"])
        entry["status"] = head.status
    for entry in answer.get("unexpected", []):
        entry["id"] = int(entry.pop("file"))
    return answer


def note_download(
    engine: Engine, principal: Principal, report: store.Report, kind: str, address: str
) -> None:
    """Record in the audit log that a report was downloaded as ``kind``."""
    with writing(engine) as conn:
        store.log(
            conn,
            principal.user,
            "download",
            f"report {report.id} v{report.version} {kind}",
            address,
        )
