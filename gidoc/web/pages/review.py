"""The reviewer's pages: the year's dashboard, a report read-only with its problems, the decisions.

- ``GET /review?year=…&status=…&verdict=…&q=…&sort=…`` — every unit of the
  year: status, the review's errors and warnings (gidoc.review's rules, as
  ``/api/review``), last change; filtered and sorted on the server.
- ``GET /review/reports/{id}`` — the report read-only, each problem next to its
  cell or text; comment, return with a note, approve (forms posting below).
- ``POST /review/aggregate`` — sum the chosen approved units into a new report.
- ``GET /review/workbook?year=`` — the review workbook; ``GET /review/pdfs?year=``
  — every valid report's PDF in one zip, streamed.

Only a reviewer may open them (403 for any other role).  Every change goes
through :mod:`gidoc.web.filing` or :mod:`gidoc.web.region`.
"""

from __future__ import annotations

import datetime
import urllib.parse
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request, Response
from fastapi.responses import RedirectResponse, StreamingResponse
from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool

from gidoc.review.result import RULES
from gidoc.web import auth, filing, region
from gidoc.web.auth import Principal, require_role
from gidoc.web.documents import KINDS, Documents
from gidoc.web.filing import Refused
from gidoc.web.pages import dashboard as D
from gidoc.web.pages import render
from gidoc.web.pages.render import page

router = APIRouter(prefix="/review", include_in_schema=False)
Reviewer = Annotated[Principal, Depends(require_role("reviewer"))]
Year = Annotated[int | None, Query(ge=2008, le=2100)]
#: The report's downloads offered on its page (the API's), by kind.
DOWNLOADS = {"docx": "Word（.docx）", "pdf": "PDF", "xlsx": "Excel 填报表（.xlsx）"}
#: What a page says after a change (by the ``done`` query parameter).
NOTICES = {
    "commented": "评论已发表。",
    "returned": "报告已退回，填报人会在报告中看到退回说明。",
    "approved": "报告已审核通过。",
    "aggregated": "已汇总为新报告（草稿）；其文字部分请该机关的填报人补写。",
}


def _engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def default_year() -> int:
    """The year reviewed by default: last year (reports are filed early in the next year)."""
    return datetime.datetime.now(render.CHINA_TIME).year - 1


def _attachment(name: str) -> str:
    # RFC 6266: an ASCII fallback and the UTF-8 name.
    dot = name.rfind(".")
    return (
        f"attachment; filename=\"review{name[dot:]}\"; filename*=UTF-8''{urllib.parse.quote(name)}"
    )


@router.get("")
async def dashboard(
    request: Request, principal: Reviewer, year: Year = None, done: str = ""
) -> Response:
    """The year's units with status, errors, warnings and last change; filter and sort."""
    return await _dashboard(
        request, principal, year or default_year(), notice=NOTICES.get(done, "")
    )


async def _dashboard(
    request: Request,
    principal: Principal,
    year: int,
    *,
    notice: str = "",
    error: str = "",
    status: int = 200,
    agency: str = "",
) -> Response:
    reviewed = await run_in_threadpool(
        filing.reviewed_year, _engine(request), principal, year, filing.report_source
    )
    every = D.rows(reviewed)
    view = D.View.read(request.query_params)
    return page(
        request,
        "review/dashboard.html",
        principal,
        status=status,
        year=year,
        rows=view.apply(every),
        every=len(every),
        counts=D.counts(every),
        view=view,
        headers=view.headers(),
        sort_value=("-" if view.descending else "") + view.sort,
        statuses=D.STATUS_NAMES,
        verdicts=D.VERDICTS,
        roster_given=bool(reviewed.roster),
        summary=reviewed.review.summary_line(),
        notice=notice,
        error=error,
        agency=agency,
    )


async def _report(
    request: Request,
    principal: Principal,
    report_id: int,
    *,
    notice: str = "",
    error: str = "",
    status: int = 200,
) -> Response:
    engine = _engine(request)
    opened = await run_in_threadpool(filing.open_report, engine, principal, report_id)
    head = opened.report
    reviewed = await run_in_threadpool(
        filing.reviewed_year, engine, principal, head.year, filing.report_source
    )
    source = filing.report_source(head)
    item = next(r for r in reviewed.review.reports if r.source == source)
    shown = await run_in_threadpool(D.marked, opened.data, item.findings)
    notes = await run_in_threadpool(filing.comments, engine, principal, report_id)
    return page(
        request,
        "review/report.html",
        principal,
        status=status,
        report=head,
        status_text=D.STATUS_NAMES[head.status],
        updated=D.local_time(head.updated_at),
        verdict=D.VERDICTS[item.status],
        errors=item.errors,
        warnings=item.warnings,
        shown=shown,
        rules=RULES,
        comments=[(c, D.local_time(c.created_at)) for c in notes],
        notice=notice,
        error=error,
        downloads=DOWNLOADS,
    )


@router.get("/reports/{report_id}")
async def report(report_id: int, request: Request, principal: Reviewer, done: str = "") -> Response:
    """A report read-only, its problems marked, its comments, the forms to decide."""
    return await _report(request, principal, report_id, notice=NOTICES.get(done, ""))


def _back(report_id: int, done: str) -> RedirectResponse:
    return RedirectResponse(f"/review/reports/{report_id}?done={done}", status_code=303)


@router.post("/reports/{report_id}/comment")
async def comment(
    report_id: int,
    request: Request,
    principal: Reviewer,
    body: Annotated[str, Form(max_length=20_000)] = "",
) -> Response:
    """Comment on a report (its clerk sees it)."""
    try:
        await run_in_threadpool(
            filing.add_comment,
            _engine(request),
            principal,
            report_id,
            body,
            auth.client_address(request),
        )
    except Refused as exc:
        return await _report(request, principal, report_id, error=exc.message, status=exc.status)
    return _back(report_id, "commented")


async def _decide(
    request: Request, principal: Principal, report_id: int, version: int, approve: bool, note: str
) -> Response:
    try:
        await run_in_threadpool(
            filing.decide,
            _engine(request),
            principal,
            report_id,
            version,
            approve,
            note,
            auth.client_address(request),
        )
    except Refused as exc:
        return await _report(request, principal, report_id, error=exc.message, status=exc.status)
    return _back(report_id, "approved" if approve else "returned")


@router.post("/reports/{report_id}/return")
async def return_report(
    report_id: int,
    request: Request,
    principal: Reviewer,
    version: Annotated[int, Form(ge=1)],
    note: Annotated[str, Form(max_length=20_000)] = "",
) -> Response:
    """Return a submitted report to its clerk with a note saying what to fix."""
    return await _decide(request, principal, report_id, version, False, note)


@router.post("/reports/{report_id}/approve")
async def approve(
    report_id: int,
    request: Request,
    principal: Reviewer,
    version: Annotated[int, Form(ge=1)],
    note: Annotated[str, Form(max_length=20_000)] = "",
) -> Response:
    """Approve a submitted report."""
    return await _decide(request, principal, report_id, version, True, note)


@router.post("/aggregate")
async def aggregate(
    request: Request,
    principal: Reviewer,
    year: Annotated[int, Form(ge=2008, le=2100)],
    agency: Annotated[str, Form(max_length=200)] = "",
    report: Annotated[list[int] | None, Form()] = None,
) -> Response:
    """Sum the chosen approved reports into a new report of ``agency`` for ``year``."""
    try:
        created = await run_in_threadpool(
            region.aggregate,
            _engine(request),
            principal,
            report or [],
            agency,
            year,
            auth.client_address(request),
        )
    except Refused as exc:
        return await _dashboard(
            request, principal, year, error=exc.message, status=exc.status, agency=agency
        )
    return _back(created.id, "aggregated")


@router.get("/workbook")
async def workbook(request: Request, principal: Reviewer, year: Year = None) -> Response:
    """The year's review as an Excel workbook (sheets 汇总 and 问题)."""
    year = year or default_year()
    content = await run_in_threadpool(
        region.workbook, _engine(request), principal, year, auth.client_address(request)
    )
    return Response(
        content,
        media_type=KINDS["xlsx"][0],
        headers={"Content-Disposition": _attachment(f"{year}年度报告审核结果.xlsx")},
    )


@router.get("/pdfs")
async def pdfs(request: Request, principal: Reviewer, year: Year = None) -> Response:
    """Every report of the year without errors as a PDF, in one zip (streamed as it is made)."""
    year = year or default_year()
    engine = _engine(request)
    documents: Documents = request.app.state.documents
    found = await run_in_threadpool(region.pdf_names, engine, principal, year)
    if not found:
        raise Refused(404, f"{year} 年度还没有任何报告")
    stream = region.pdf_zip(engine, principal, documents, found, auth.client_address(request))
    return StreamingResponse(
        stream,
        media_type="application/zip",
        headers={"Content-Disposition": _attachment(f"{year}年度报告PDF.zip")},
    )


__all__ = ["router"]
