"""The browser pages of ``gidoc serve``: server-rendered (Jinja, autoescaped), a little static JavaScript.

:func:`install` is what :func:`gidoc.web.app.create_app` calls.  It mounts
``/static`` (this package's ``static/`` folder: the style sheet, htmx, the
form's scripts) and includes the router of each page module present:

- :mod:`.login` — ``/``, ``/login``, ``/logout``;
- :mod:`.clerk` — a clerk's reports, the form, versions, submitting;
- ``review`` and ``admin`` — the reviewer's dashboard and the admin pages,
  included only when those modules exist, so the pages work without them.

Every page is rendered with :func:`gidoc.web.pages.render.page`.  Errors on a
page path (anything outside ``/api/`` and ``/static/``) are answered as an
HTML page in Chinese, and 401 as a redirect to the login page; the JSON API
keeps its JSON answers (:mod:`gidoc.web.pages.errors`).
"""

from __future__ import annotations

import importlib

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from gidoc.web.pages import errors
from gidoc.web.pages.render import MODULES, present


def install(app: FastAPI) -> None:
    """Add the pages to the service: ``/static``, the routers, HTML error pages."""
    app.mount("/static", StaticFiles(packages=[(__name__, "static")]), name="static")
    for name in MODULES:
        if present(name):
            module = importlib.import_module(f"{__name__}.{name}")
            app.include_router(module.router)
    errors.install(app)


__all__ = ["MODULES", "install", "present"]
