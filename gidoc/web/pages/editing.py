"""One report in the browser: the form, submitting it, its comments, its preview.

The form is written by the server from the declaration (:mod:`.grid`) and the
stored data; ``static/form.js`` makes it live: totals and the 勾稽 row as the
clerk types, ``/api/check`` for the problems, ``PUT /api/reports/{id}`` with
``If-Match`` to save, the unsaved state kept in the browser's localStorage.
Without the right to change the report (submitted, approved, a reviewer) the
same form is shown read-only.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool

from gidoc.checking.validate import check, describe_path
from gidoc.format import labels as L
from gidoc.sources.skeleton import to_json
from gidoc.web import auth, filing
from gidoc.web.auth import Principal, current_user
from gidoc.web.documents import Documents
from gidoc.web.filing import Refused
from gidoc.web.pages.grid import form_tables
from gidoc.web.pages.render import page

router = APIRouter(include_in_schema=False)
User = Annotated[Principal, Depends(current_user)]
#: Downloads the form offers: the API's kind → what the link says.
DOWNLOADS = {"docx": "Word 文档（.docx）", "pdf": "PDF", "xlsx": "Excel 填报表（.xlsx）"}


def _engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def field_label(*path: str | int) -> str:
    """A field as the report names it, innermost part: 前言, 综述, 小标题, 落款日期."""
    return describe_path(list(path))[1][-1]


def _labels() -> dict[str, Any]:
    return {
        "sections": L.SECTIONS,
        "title_suffix": L.TITLE_SUFFIX,
        "problems": L.PROBLEMS,
        "improvements": L.IMPROVEMENTS,
        "title": field_label("title"),
        "preamble": field_label("preamble"),
        "summary": field_label("overview", "summary"),
        "heading": field_label("overview", "sections", 0, "heading"),
        "body": field_label("overview", "sections", 0, "body"),
        "issuer": field_label("issuer"),
        "date": field_label("date"),
        "agency": field_label("agency"),
        "year": field_label("year"),
        "number": L.sub_heading_number,
    }


def editable(principal: Principal, report: Any) -> bool:
    """True when this account may change the report now (its clerk, draft or returned)."""
    return principal.user.role == "clerk" and report.status in filing.EDITABLE


def report_page(
    request: Request,
    principal: Principal,
    report_id: int,
    *,
    message: str = "",
    problems: list[dict[str, Any]] | None = None,
    status: int = 200,
) -> Response:
    """The report's form (read-only when it may not be changed), with a message if given."""
    engine = _engine(request)
    opened = filing.open_report(engine, principal, report_id)
    report, data = opened.report, opened.data
    checked = check(data, f"{report.agency}{report.year}")
    found = filing.problems_json(checked)
    notes = filing.comments(engine, principal, report_id)
    returned = next((c for c in reversed(notes) if c.kind == "return"), None)
    sections = (data.get("overview") or {}).get("sections") or []
    return page(
        request,
        "report.html",
        principal,
        status=status,
        report=report,
        data=data,
        data_json=to_json(data),
        tables=form_tables(data),
        sections=sections,
        labels=_labels(),
        editable=editable(principal, report),
        checked=found,
        comments=notes,
        returned=returned if report.status == "returned" else None,
        downloads=DOWNLOADS,
        report_id=report.id,
        message=message,
        refused=problems or [],
    )


@router.get("/reports/{report_id}")
def report_form(report_id: int, request: Request, principal: User) -> Response:
    """The report as the official tables and texts, live for its clerk."""
    return report_page(request, principal, report_id)


@router.post("/reports/{report_id}/submit")
def submit(
    report_id: int,
    request: Request,
    principal: User,
    version: Annotated[int, Form(ge=1)],
    note: Annotated[str, Form(max_length=20_000)] = "",
) -> Response:
    """Hand the report to the reviewers; the form again with the errors when it has any."""
    try:
        filing.submit(
            _engine(request), principal, report_id, version, note, auth.client_address(request)
        )
    except Refused as exc:
        if exc.status == 404:
            raise
        errors = exc.extra.get("errors", [])
        return report_page(
            request, principal, report_id, message=exc.message, problems=errors, status=exc.status
        )
    return RedirectResponse(f"/reports/{report_id}?submitted=1", status_code=303)


@router.post("/reports/{report_id}/comments")
def comment(
    report_id: int,
    request: Request,
    principal: User,
    body: Annotated[str, Form(max_length=20_000)] = "",
) -> Response:
    """Add a comment; htmx gets the comments' list back, a plain form the report page."""
    engine = _engine(request)
    message = ""
    try:
        filing.add_comment(engine, principal, report_id, body, auth.client_address(request))
    except Refused as exc:
        if exc.status == 404:
            raise
        message = exc.message
    if request.headers.get("hx-request") == "true":
        notes = filing.comments(engine, principal, report_id)
        return page(
            request,
            "comments.html",
            principal,
            report_id=report_id,
            comments=notes,
            message=message,
        )
    if message:
        return report_page(request, principal, report_id, message=message, status=422)
    return RedirectResponse(f"/reports/{report_id}#comments", status_code=303)


@router.get("/reports/{report_id}/preview")
async def preview(report_id: int, request: Request, principal: User) -> Response:
    """The report as the published web page (its latest saved version); the errors if it has any."""
    engine = _engine(request)
    opened = await run_in_threadpool(filing.open_report, engine, principal, report_id)
    checked = await run_in_threadpool(check, opened.data, "报告")
    if checked.report is None or not checked.ok:
        return report_page(
            request,
            principal,
            report_id,
            message=f"报告还有 {len(checked.errors)} 处错误，改正并保存后才能预览",
            problems=[p.as_dict() for p in checked.errors],
            status=422,
        )
    documents: Documents = request.app.state.documents
    html = await run_in_threadpool(documents.html, checked.report)
    return Response(
        html,
        media_type="text/html; charset=utf-8",
        headers={
            # The published page carries its own <style>; nothing in it may run.
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
            "Cache-Control": "no-store",
        },
    )
