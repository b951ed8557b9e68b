"""Errors on the pages' paths answered as pages: 401 leads to the login page, the rest is said in Chinese.

The JSON API's handlers (:mod:`gidoc.web.app`) stay for ``/api/…``; for any
other path a browser gets an HTML page with the same status and message, so
a clerk who types another unit's report address sees 「报告不存在…」 as a page,
and one whose session has ended is taken to the login page and back.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from starlette.exceptions import HTTPException

from gidoc.web.auth import optional_user
from gidoc.web.filing import Refused
from gidoc.web.pages.render import page

Handler = Callable[[Request, Exception], Response | Awaitable[Response]]
#: Paths that keep the JSON (or file) answers.
NOT_PAGES = ("/api/", "/static/", "/healthz")
_TEXTS = {
    404: "没有这个页面",
    405: "此地址不支持这种请求方法",
    422: "提交的内容不完整或格式不对，请返回后重新填写",
}


def is_page(request: Request) -> bool:
    """True when the request is for a page, not the API or a static file."""
    return not request.url.path.startswith(NOT_PAGES)


def login_redirect(request: Request) -> RedirectResponse:
    """To the login page, which leads back to this page (for a GET) afterwards."""
    target = "/login"
    if request.method == "GET":
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        target += "?" + urllib.parse.urlencode({"next": here})
    return RedirectResponse(target, status_code=303)


async def error_page(request: Request, status: int, message: str) -> Response:
    """The error page: the status, the message, a way home (and the header, when logged in)."""
    try:
        principal = await optional_user(request)
    except HTTPException:
        principal = None  # e.g. the refused request itself lacked its CSRF token
    return page(
        request, "error.html", principal, status=status, status_code=status, message=message
    )


def install(app: FastAPI) -> None:
    """Put page-aware handlers in front of the app's JSON ones."""
    json_http = app.exception_handlers.get(HTTPException)
    json_refused = app.exception_handlers.get(Refused)
    json_invalid = app.exception_handlers.get(RequestValidationError)

    def wrap(
        fallback: Handler | None, answer: Callable[[Request, Exception], Awaitable[Response]]
    ) -> Handler:
        async def handler(request: Request, exc: Exception) -> Response:
            if is_page(request) or fallback is None:
                return await answer(request, exc)
            result = fallback(request, exc)
            return await result if isinstance(result, Awaitable) else result

        return handler

    async def http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if exc.status_code == 401:
            return login_redirect(request)
        detail = exc.detail if isinstance(exc.detail, str) else ""
        if not detail or detail in ("Not Found", "Method Not Allowed"):
            detail = _TEXTS.get(exc.status_code, "请求未能完成")
        return await error_page(request, exc.status_code, detail)

    async def refused(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Refused)
        return await error_page(request, exc.status, exc.message)

    async def invalid(request: Request, exc: Exception) -> Response:
        return await error_page(request, 422, _TEXTS[422])

    app.add_exception_handler(HTTPException, wrap(json_http, http))
    app.add_exception_handler(Refused, wrap(json_refused, refused))
    app.add_exception_handler(RequestValidationError, wrap(json_invalid, invalid))


__all__ = ["error_page", "install", "is_page", "login_redirect"]
