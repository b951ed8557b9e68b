"""How every page is written: one Jinja environment, one :func:`page` function.

Templates are package data in ``templates/``; autoescaping is on for every
template, so a report's text can never become markup.  A page template
extends ``base.html`` and gets ``principal`` (or None), ``user``,
``csrf_token`` (for every form's hidden ``csrf_token`` field), ``nav`` (the
links the account's role may follow, with the current one marked) and
whatever the route passes; every template may use ``role_names``,
``status_names`` and the ``when`` filter (a stored time in China Standard Time).
"""

from __future__ import annotations

import datetime
import functools
import importlib.util
from dataclasses import dataclass
from typing import Any

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse

from gidoc import __version__
from gidoc.web.auth import Principal

#: The role's home page: where ``/`` and a login lead.
HOME = {"clerk": "/reports", "reviewer": "/review", "admin": "/admin"}
#: Navigation: (path, text, the role it is for, the page module that serves it).
NAV = (
    ("/reports", "我的报告", "clerk", "clerk"),
    ("/review", "审核", "reviewer", "review"),
    ("/admin", "管理", "admin", "admin"),
)
#: The roles as pages name them.
ROLE_NAMES = {"clerk": "填报人", "reviewer": "审核人", "admin": "管理员"}
#: A report's workflow status as pages name it.
STATUS_NAMES = {
    "draft": "草稿",
    "submitted": "已提交审核",
    "returned": "已退回修改",
    "approved": "已审核通过",
}
#: Times are shown as the clerks' clocks show them (China Standard Time, no summer time).
CHINA_TIME = datetime.timezone(datetime.timedelta(hours=8))


def shown_time(at: datetime.datetime) -> str:
    """A stored (UTC) time as a page shows it: ``2026-01-20 09:30`` in China Standard Time."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=datetime.timezone.utc)
    return at.astimezone(CHINA_TIME).strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class NavLink:
    """A link of the header's navigation; ``current`` when the page is at or below it."""

    href: str
    text: str
    current: bool


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The pages' Jinja environment: package templates, autoescaped, undefined names an error."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("gidoc.web.pages", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["version"] = __version__
    env.globals["role_names"] = ROLE_NAMES
    env.globals["status_names"] = STATUS_NAMES
    env.filters["when"] = shown_time
    return env


def home(principal: Principal | None) -> str:
    """Where an account starts: its role's home page, or the login page without one."""
    return HOME.get(principal.user.role, "/login") if principal else "/login"


#: The page modules of this package, in the order :func:`gidoc.web.pages.install` includes them.
MODULES = ("login", "clerk", "review", "admin")


def present(name: str) -> bool:
    """True when the page module ``name`` (one of :data:`MODULES`) is installed."""
    return importlib.util.find_spec(f"gidoc.web.pages.{name}") is not None


def nav(request: Request, principal: Principal | None) -> list[NavLink]:
    """The header's links for the account's role, the one the request is under marked current."""
    if principal is None:
        return []
    path = request.url.path
    return [
        NavLink(href, text, path == href or path.startswith(href + "/"))
        for href, text, role, module in NAV
        if role == principal.user.role and present(module)
    ]


def page(
    request: Request,
    name: str,
    principal: Principal | None,
    /,
    *,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    """Render the template ``name`` as a whole page for ``principal``.

    The first three are positional only, so ``name=`` can be a template variable.
    ``context`` goes to the template beside ``principal``, ``user``,
    ``csrf_token``, ``nav`` and ``request``.  Pages are never cached: they
    show one account's reports.
    """
    html = (
        environment()
        .get_template(name)
        .render(
            request=request,
            principal=principal,
            user=principal.user if principal else None,
            csrf_token=principal.csrf_token if principal else "",
            nav=nav(request, principal),
            **context,
        )
    )
    return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})


__all__ = [
    "HOME",
    "MODULES",
    "NAV",
    "ROLE_NAMES",
    "STATUS_NAMES",
    "NavLink",
    "environment",
    "home",
    "nav",
    "page",
    "present",
    "shown_time",
]
