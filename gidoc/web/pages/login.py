"""Logging in and out in the browser: ``/``, ``/login``, ``/logout``.

A wrong name or password and a throttled account (too many wrong passwords)
are said on the login page in Chinese, with the name kept in its field; a
successful login goes to the page asked for (``next``, a path of this site
only) or to the role's home (:data:`gidoc.web.pages.render.HOME`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool

from gidoc.web import auth
from gidoc.web.auth import Principal, current_user, optional_user
from gidoc.web.pages.render import home, page
from gidoc.web.settings import Settings

router = APIRouter()
MaybeUser = Annotated[Principal | None, Depends(optional_user)]


def safe_next(target: str) -> str:
    """``target`` if it is a path on this site (``/reports/3``), else "" (no open redirect)."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return ""
    return target if target.isprintable() else ""


@router.get("/", include_in_schema=False)
def root(principal: MaybeUser) -> RedirectResponse:
    """The role's home page, or the login page."""
    return RedirectResponse(home(principal), status_code=303)


@router.get("/login", include_in_schema=False)
def login_form(request: Request, principal: MaybeUser, next: str = "") -> Response:
    """The login form (an account already logged in goes on to its page)."""
    if principal is not None:
        return RedirectResponse(safe_next(next) or home(principal), status_code=303)
    return page(
        request,
        "login.html",
        None,
        name="",
        message="",
        next=safe_next(next),
        bye="bye" in request.query_params,
    )


@router.post("/login", include_in_schema=False)
async def login_submit(
    request: Request,
    name: Annotated[str, Form(max_length=100)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Check the name and password; the page again with the reason when refused."""
    engine: Engine = request.app.state.engine
    settings: Settings = request.app.state.settings
    target = safe_next(next)
    if not name.strip() or not password:
        return page(
            request,
            "login.html",
            None,
            status=422,
            name=name,
            message="请填写用户名和密码",
            next=target,
            bye=False,
        )
    try:
        done = await run_in_threadpool(
            auth.log_in, engine, settings, name.strip(), password, auth.client_address(request)
        )
    except auth.LoginRefused as exc:
        return page(
            request,
            "login.html",
            None,
            status=exc.status,
            name=name,
            message=str(exc),
            next=target,
            bye=False,
        )
    response = RedirectResponse(target or home(Principal(done.user)), status_code=303)
    auth.set_session_cookie(response, settings, done.cookie)
    return response


@router.post("/logout", include_in_schema=False)
def logout(request: Request, principal: Annotated[Principal, Depends(current_user)]) -> Response:
    """End the session (the form carries the CSRF token) and show the login page."""
    auth.log_out(request.app.state.engine, request)
    response = RedirectResponse("/login?bye=1", status_code=303)
    auth.clear_session_cookie(response, request.app.state.settings)
    return response
