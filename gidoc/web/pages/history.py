"""A report's versions: who saved each and when, what changed from the one before, restoring one.

What changed comes from :func:`gidoc.web.filing.compare` (the numbers of the
three tables with both values, and which texts); restoring saves the old
version's data again as the newest (nothing is lost), through
:func:`gidoc.web.filing.restore_version`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy.engine import Engine

from gidoc.web import auth, filing
from gidoc.web.auth import Principal, current_user
from gidoc.web.db import store
from gidoc.web.filing import Refused
from gidoc.web.pages.editing import editable
from gidoc.web.pages.render import page

router = APIRouter(include_in_schema=False)
User = Annotated[Principal, Depends(current_user)]


@dataclass(frozen=True)
class VersionRow:
    """A version as the list shows it, with what changed from the version before."""

    version: store.Version
    numbers: list[dict[str, Any]]
    texts: list[dict[str, Any]]


def _rows(engine: Engine, principal: Principal, report_id: int) -> list[VersionRow]:
    found = filing.versions(engine, principal, report_id)
    rows = []
    for item in found:
        if item.number == 1:
            rows.append(VersionRow(item, [], []))
            continue
        changes = filing.compare(engine, principal, report_id, item.number - 1, item.number)
        rows.append(VersionRow(item, changes["numbers"], changes["texts"]))
    return rows


def versions_page(
    request: Request, principal: Principal, report_id: int, *, message: str = "", status: int = 200
) -> Response:
    """The versions of a report, newest first, with restore buttons for its clerk."""
    engine: Engine = request.app.state.engine
    opened = filing.open_report(engine, principal, report_id)
    return page(
        request,
        "versions.html",
        principal,
        status=status,
        report=opened.report,
        rows=_rows(engine, principal, report_id),
        editable=editable(principal, opened.report),
        message=message,
    )


@router.get("/reports/{report_id}/versions")
def versions(report_id: int, request: Request, principal: User) -> Response:
    """Every saved version of the report and what each changed."""
    return versions_page(request, principal, report_id)


@router.post("/reports/{report_id}/restore")
def restore(
    report_id: int,
    request: Request,
    principal: User,
    version: Annotated[int, Form(ge=1)],
    expected: Annotated[int, Form(ge=1)],
) -> Response:
    """Save version ``version`` again as the newest; ``expected`` is the latest the page showed."""
    engine: Engine = request.app.state.engine
    try:
        filing.restore_version(
            engine, principal, report_id, expected, version, auth.client_address(request)
        )
    except Refused as exc:
        if exc.message == filing.NOT_FOUND:
            raise
        return versions_page(request, principal, report_id, message=exc.message, status=exc.status)
    return RedirectResponse(f"/reports/{report_id}/versions?restored={version}", status_code=303)
