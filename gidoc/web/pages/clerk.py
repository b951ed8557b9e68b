"""A clerk's pages: their unit's reports, and starting a new one (blank, from last year, from a file).

The form itself, saving, submitting and comments are in :mod:`.editing`, the
versions in :mod:`.history`; their routes are part of this module's
``router``.  Every rule (who may see or file what) is :mod:`gidoc.web.filing`'s.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, Response, UploadFile
from fastapi.responses import RedirectResponse
from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool

from gidoc.checking.validate import check
from gidoc.errors import InputError
from gidoc.format.models import Report
from gidoc.sources.skeleton import skeleton
from gidoc.web import auth, filing
from gidoc.web.auth import Principal, require_role
from gidoc.web.db import store
from gidoc.web.filing import Refused
from gidoc.web.pages import editing, history
from gidoc.web.pages.render import page
from gidoc.web.uploads import UploadRefused, read_upload

router = APIRouter(include_in_schema=False)
Clerk = Annotated[Principal, Depends(require_role("clerk"))]
#: How far back the new-report form offers years (reports are filed for the year before).
YEARS_BACK = 4


@dataclass(frozen=True)
class Listed:
    """A report as the list shows it: its head and who saved its latest version."""

    report: store.Report
    author: str


def _engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def _listed(engine: Engine, principal: Principal) -> list[Listed]:
    found = filing.list_reports(engine, principal)
    return [
        Listed(report, filing.versions(engine, principal, report.id)[0].author)
        for report in sorted(found, key=lambda r: r.year, reverse=True)
    ]


def _years() -> list[int]:
    this = datetime.date.today().year
    return list(range(this, this - YEARS_BACK - 1, -1))


def reports_page(
    request: Request, principal: Principal, *, message: str = "", status: int = 200
) -> Response:
    """The list of the unit's reports with the new-report forms (and a refusal's text)."""
    listed = _listed(_engine(request), principal)
    return page(
        request,
        "reports.html",
        principal,
        status=status,
        reports=listed,
        years=_years(),
        default_year=datetime.date.today().year - 1,
        message=message,
    )


@router.get("/reports")
def reports(request: Request, principal: Clerk) -> Response:
    """My reports: year, status, version, last change and who made it; 新建."""
    return reports_page(request, principal)


def _previous(engine: Engine, principal: Principal, year: int) -> Report:
    """Last year's report of the clerk's unit, validated; Refused (422) when missing or wrong."""
    earlier = filing.list_reports(engine, principal, year - 1)
    if not earlier:
        raise Refused(
            422,
            f"系统中没有本单位 {year - 1} 年的报告，无法沿用；请新建空白报告，或上传上年的报告文件",
        )
    opened = filing.open_report(engine, principal, earlier[0].id)
    checked = check(opened.data, f"{year - 1} 年报告")
    if checked.report is None or not checked.ok:
        raise Refused(
            422,
            f"本单位 {year - 1} 年的报告还有 {len(checked.errors)} 处错误，不能沿用；"
            "请新建空白报告",
        )
    return checked.report


@router.post("/reports/new")
def new_report(
    request: Request,
    principal: Clerk,
    year: Annotated[int, Form(ge=2008, le=2100)],
    source: Annotated[str, Form()] = "blank",
) -> Response:
    """File a new report for ``year``: blank, or carried on from last year's (as ``gidoc init --from``)."""
    engine = _engine(request)
    try:
        previous = _previous(engine, principal, year) if source == "previous" else None
        data = skeleton(principal.user.agency, year, previous)
        created = filing.create_report(
            engine, principal, data, auth.client_address(request), how="create"
        )
    except Refused as exc:
        if exc.status == 409 and "id" in exc.extra:
            return RedirectResponse(f"/reports/{exc.extra['id']}", status_code=303)
        return reports_page(request, principal, message=exc.message, status=exc.status)
    except ValueError as exc:
        return reports_page(request, principal, message=str(exc), status=422)
    return RedirectResponse(f"/reports/{created.id}", status_code=303)


@router.post("/reports/import")
async def import_report(
    request: Request, principal: Clerk, file: Annotated[UploadFile, File()]
) -> Response:
    """File a new report from an uploaded Excel form, .docx, PDF, web page, JSON or YAML file."""
    raw = await file.read()
    try:
        loaded = await run_in_threadpool(read_upload, file.filename or "", raw)
        created = await run_in_threadpool(
            filing.create_report,
            _engine(request),
            principal,
            loaded.data,
            auth.client_address(request),
            how="import",
        )
    except (UploadRefused, InputError) as exc:
        return reports_page(request, principal, message=str(exc), status=422)
    except Refused as exc:
        return reports_page(request, principal, message=exc.message, status=exc.status)
    return RedirectResponse(f"/reports/{created.id}", status_code=303)


router.include_router(editing.router)
router.include_router(history.router)
