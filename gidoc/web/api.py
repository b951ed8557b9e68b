"""The JSON API: login, the check, reports with their versions, the review workflow, downloads.

Every route but ``/healthz`` and ``/api/login`` needs an account (:func:`gidoc.web.auth.current_user`): a Bearer token, or the
session cookie plus the CSRF token on unsafe requests.  The rules themselves
live in :mod:`gidoc.web.filing`; the routes read the request, call it and
answer.  Report data is read from the body with gidoc's own JSON reader
(decimals kept digit for digit, duplicate keys refused) and written back the
same way.
"""

from __future__ import annotations

import re
import urllib.parse
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Header, Query, Request, Response, UploadFile
from pydantic import BaseModel, Field
from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool

from gidoc.checking.validate import check
from gidoc.errors import InputError
from gidoc.output.soffice import ConversionError
from gidoc.sources.load import load_located
from gidoc.web import auth, filing
from gidoc.web.auth import Principal, current_user
from gidoc.web.documents import KINDS, Documents
from gidoc.web.exact_json import dumps
from gidoc.web.filing import Refused
from gidoc.web.settings import Settings
from gidoc.web.uploads import UploadRefused, read_upload

router = APIRouter()
User = Annotated[Principal, Depends(current_user)]


class DataResponse(Response):
    """JSON written by gidoc's writer: decimals digit for digit, Chinese as is."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        """The content as UTF-8 JSON."""
        return dumps(content).encode("utf-8")


def _engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _documents(request: Request) -> Documents:
    documents: Documents = request.app.state.documents
    return documents


async def _report_body(request: Request) -> dict[str, Any]:
    """The request body as report data; Refused (400) with the reader's message if it is not."""
    raw = await request.body()
    try:
        return load_located(raw, "请求内容.json").data
    except InputError as exc:
        raise Refused(400, str(exc)) from None


_VERSION = re.compile(r'^\s*(?:W/)?"?(\d{1,9})"?\s*$')


def _if_match(value: str | None) -> int:
    """The version an ``If-Match: "<version>"`` header names; 428 without it, 400 if unreadable."""
    if value is None:
        raise Refused(428, '保存时须在 If-Match 头中写明所编辑的版本号，如 If-Match: "3"')
    found = _VERSION.match(value)
    if found is None:
        raise Refused(400, f'If-Match 头「{value[:40]}」应为版本号，如 "3"')
    return int(found.group(1))


def _etag(version: int) -> dict[str, str]:
    return {"ETag": f'"{version}"'}


# -- the service and the session ---------------------------------------------------------
@router.get("/healthz")
def healthz() -> dict[str, bool]:
    """200 while the service runs."""
    return {"ok": True}


class LoginBody(BaseModel):
    """A name and password for ``POST /api/login``."""

    name: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=1000)


def _user_json(principal: Principal) -> dict[str, Any]:
    user = principal.user
    return {
        "name": user.name,
        "role": user.role,
        "agency": user.agency,
        "csrf_token": principal.csrf_token,
    }


@router.post("/api/login")
async def login(body: LoginBody, request: Request) -> Response:
    """Log in with name and password: the session cookie, and the CSRF token in the answer."""
    settings = _settings(request)
    try:
        done = await run_in_threadpool(
            auth.log_in,
            _engine(request),
            settings,
            body.name,
            body.password,
            auth.client_address(request),
        )
    except auth.LoginRefused as exc:
        raise Refused(exc.status, str(exc)) from None
    response = DataResponse({**_user_json(Principal(done.user)), "csrf_token": done.csrf_token})
    auth.set_session_cookie(response, settings, done.cookie)
    return response


@router.post("/api/logout", status_code=204)
def logout(principal: User, request: Request) -> Response:
    """End the browser session."""
    auth.log_out(_engine(request), request)
    response = Response(status_code=204)
    auth.clear_session_cookie(response, _settings(request))
    return response


@router.get("/api/me")
def me(principal: User) -> dict[str, Any]:
    """The account: name, role, agency, and the CSRF token of its session ("" with a token)."""
    return _user_json(principal)


# -- checking and reports ---------------------------------------------------------------------
@router.post("/api/check")
async def check_data(request: Request, principal: User) -> Response:
    """Check report data: ``{"valid", "errors", "warnings"}``, the problems ``gidoc check`` gives."""
    data = await _report_body(request)
    checked = await run_in_threadpool(check, data, "请求内容")
    return DataResponse(filing.problems_json(checked))


@router.get("/api/reports")
def list_reports(
    request: Request, principal: User, year: Annotated[int | None, Query()] = None
) -> dict[str, Any]:
    """The reports the account may read (its agency's, or all for a reviewer)."""
    found = filing.list_reports(_engine(request), principal, year)
    return {"reports": [filing.head_json(item) for item in found]}


@router.post("/api/reports", status_code=201)
async def create_report(request: Request, principal: User) -> Response:
    """File a new report from its data: 201 ``{"id", "version"}``."""
    data = await _report_body(request)
    created = await run_in_threadpool(
        filing.create_report, _engine(request), principal, data, auth.client_address(request)
    )
    return DataResponse(
        {"id": created.id, "version": created.version},
        status_code=201,
        headers={**_etag(created.version), "Location": f"/api/reports/{created.id}"},
    )


@router.post("/api/reports/import", status_code=201)
async def import_report(
    request: Request,
    principal: User,
    file: Annotated[UploadFile, File()],
    report_id: Annotated[int | None, Form(alias="id")] = None,
    version: Annotated[int | None, Form()] = None,
) -> Response:
    """Read an uploaded Excel form, report (.docx, PDF, web page), JSON or YAML file.

    Without ``id`` it files a new report (201 ``{"id", "version"}``); with
    ``id`` and ``version`` it saves the file's data as that report's next
    version (200).  The reader's warnings come back with the answer.
    """
    raw = await file.read()
    name = file.filename or ""
    try:
        loaded = await run_in_threadpool(read_upload, name, raw)
    except UploadRefused as exc:
        raise Refused(415, str(exc)) from None
    except InputError as exc:
        raise Refused(422, str(exc), problem=exc.as_dict()) from None
    engine, address = _engine(request), auth.client_address(request)
    warnings = [p.as_dict() for p in loaded.warnings]
    if report_id is None:
        created = await run_in_threadpool(
            filing.create_report, engine, principal, loaded.data, address, how="import"
        )
        return DataResponse(
            {"id": created.id, "version": created.version, "warnings": warnings},
            status_code=201,
            headers=_etag(created.version),
        )
    if version is None:
        raise Refused(428, "导入到已有报告时须写明所编辑的版本号（version）")
    number = await run_in_threadpool(
        filing.save_report,
        engine,
        principal,
        report_id,
        version,
        loaded.data,
        address,
        how="import",
    )
    return DataResponse(
        {"id": report_id, "version": number, "warnings": warnings}, headers=_etag(number)
    )


@router.get("/api/reports/{report_id}")
def get_report(report_id: int, request: Request, principal: User) -> Response:
    """A report: ``{"id", "agency", "year", "version", "status", "data"}``."""
    opened = filing.open_report(_engine(request), principal, report_id)
    return DataResponse(opened.as_json(), headers=_etag(opened.report.version))


@router.put("/api/reports/{report_id}")
async def put_report(
    report_id: int,
    request: Request,
    principal: User,
    if_match: Annotated[str | None, Header()] = None,
) -> Response:
    """Save new data over the version named by ``If-Match``: 200 ``{"version"}``, 409 if stale."""
    expected = _if_match(if_match)
    data = await _report_body(request)
    number = await run_in_threadpool(
        filing.save_report,
        _engine(request),
        principal,
        report_id,
        expected,
        data,
        auth.client_address(request),
    )
    return DataResponse({"version": number}, headers=_etag(number))


@router.get("/api/reports/{report_id}/versions")
def list_versions(report_id: int, request: Request, principal: User) -> dict[str, Any]:
    """Every version of the report, newest first: number, author, time, what it was restored from."""
    found = filing.versions(_engine(request), principal, report_id)
    return {
        "versions": [
            {
                "version": item.number,
                "author": item.author,
                "created_at": item.created_at.isoformat(),
                "restored_from": item.restored_from,
            }
            for item in found
        ]
    }


@router.get("/api/reports/{report_id}/versions/{number}")
def get_version(report_id: int, number: int, request: Request, principal: User) -> Response:
    """One old version's data."""
    found, data = filing.version_data(_engine(request), principal, report_id, number)
    return DataResponse(
        {
            "version": found.number,
            "author": found.author,
            "created_at": found.created_at,
            "data": data,
        }
    )


@router.get("/api/reports/{report_id}/compare")
def compare(
    report_id: int,
    request: Request,
    principal: User,
    first: Annotated[int, Query(alias="from", ge=1)],
    second: Annotated[int, Query(alias="to", ge=1)],
) -> Response:
    """The numbers (and which texts) that changed between two versions."""
    return DataResponse(filing.compare(_engine(request), principal, report_id, first, second))


class RestoreBody(BaseModel):
    """Which old version to save again as the newest."""

    version: int = Field(ge=1)


@router.post("/api/reports/{report_id}/restore")
def restore(
    report_id: int,
    body: RestoreBody,
    request: Request,
    principal: User,
    if_match: Annotated[str | None, Header()] = None,
) -> dict[str, int]:
    """Save an old version again as the newest (``If-Match`` names the latest): ``{"version"}``."""
    number = filing.restore_version(
        _engine(request),
        principal,
        report_id,
        _if_match(if_match),
        body.version,
        auth.client_address(request),
    )
    return {"version": number}


class NoteBody(BaseModel):
    """The version acted on, and a note (what to fix, when returning)."""

    version: int = Field(ge=1)
    note: str = Field("", max_length=20_000)


@router.post("/api/reports/{report_id}/submit")
def submit(report_id: int, body: NoteBody, request: Request, principal: User) -> dict[str, Any]:
    """Hand the report to the reviewers (a clerk; only without errors)."""
    done = filing.submit(
        _engine(request),
        principal,
        report_id,
        body.version,
        body.note,
        auth.client_address(request),
    )
    return filing.head_json(done)


@router.post("/api/reports/{report_id}/return")
def return_report(
    report_id: int, body: NoteBody, request: Request, principal: User
) -> dict[str, Any]:
    """Return a submitted report to its clerk, with a note saying what to fix (a reviewer)."""
    done = filing.decide(
        _engine(request),
        principal,
        report_id,
        body.version,
        False,
        body.note,
        auth.client_address(request),
    )
    return filing.head_json(done)


@router.post("/api/reports/{report_id}/approve")
def approve(report_id: int, body: NoteBody, request: Request, principal: User) -> dict[str, Any]:
    """Approve a submitted report (a reviewer)."""
    done = filing.decide(
        _engine(request),
        principal,
        report_id,
        body.version,
        True,
        body.note,
        auth.client_address(request),
    )
    return filing.head_json(done)


@router.get("/api/reports/{report_id}/comments")
def list_comments(report_id: int, request: Request, principal: User) -> dict[str, Any]:
    """The report's comments and the notes of its submissions, returns and approvals."""
    found = filing.comments(_engine(request), principal, report_id)
    return {
        "comments": [
            {
                "author": item.author,
                "role": item.role,
                "kind": item.kind,
                "version": item.version,
                "body": item.body,
                "created_at": item.created_at.isoformat(),
            }
            for item in found
        ]
    }


class CommentBody(BaseModel):
    """A comment's text."""

    body: str = Field(min_length=1, max_length=20_000)


@router.post("/api/reports/{report_id}/comments", status_code=201)
def post_comment(
    report_id: int, body: CommentBody, request: Request, principal: User
) -> dict[str, bool]:
    """Comment on a report."""
    filing.add_comment(
        _engine(request), principal, report_id, body.body, auth.client_address(request)
    )
    return {"ok": True}


@router.get("/api/review")
async def review(
    request: Request, principal: User, year: Annotated[int, Query(ge=2008, le=2100)]
) -> Response:
    """A reviewer's year: each report's errors and warnings by the review rules, and who is missing."""
    answer = await run_in_threadpool(filing.review_year, _engine(request), principal, year)
    return DataResponse(answer)


def _attachment(name: str) -> str:
    # RFC 6266: an ASCII fallback and the UTF-8 name for every current browser.
    return f"attachment; filename=\"report{name[name.rfind('.') :]}\"; filename*=UTF-8''{urllib.parse.quote(name)}"


@router.get("/api/reports/{report_id}/{kind}")
async def download(report_id: int, kind: str, request: Request, principal: User) -> Response:
    """The report as a document: ``docx``, ``pdf``, ``html`` or ``xlsx`` (the Excel form).

    Word, PDF and the page need valid data (422 lists the errors otherwise);
    the Excel form can be had for a draft.
    """
    if kind not in KINDS:
        raise Refused(404, f"没有「{kind[:20]}」格式的下载；可下载 docx、pdf、html、xlsx")
    engine = _engine(request)
    opened = await run_in_threadpool(filing.open_report, engine, principal, report_id)
    documents = _documents(request)
    media_type, extension = KINDS[kind]
    name = f"{opened.report.agency}{opened.report.year}{extension}"
    if kind == "xlsx":
        content = await run_in_threadpool(documents.xlsx, opened.data)
    else:
        checked = await run_in_threadpool(check, opened.data, name)
        if checked.report is None or not checked.ok:
            raise Refused(
                422,
                f"报告还有 {len(checked.errors)} 处错误，改正后才能生成文档",
                errors=[p.as_dict() for p in checked.errors],
            )
        if kind == "docx":
            content = await run_in_threadpool(documents.docx, checked.report)
        elif kind == "html":
            content = await run_in_threadpool(documents.html, checked.report)
        else:
            try:
                content = await run_in_threadpool(documents.pdf, checked.report, name)
            except ConversionError as exc:
                raise Refused(503, str(exc)) from None
    await run_in_threadpool(
        filing.note_download, engine, principal, opened.report, kind, auth.client_address(request)
    )
    headers = {"Content-Disposition": _attachment(name), **_etag(opened.report.version)}
    if kind == "html":
        # The page is the report as published; served as a download, never run on this origin.
        headers["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'; sandbox"
        )
    return Response(content, media_type=media_type, headers=headers)
