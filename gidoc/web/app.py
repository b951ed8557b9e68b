"""The service as an ASGI application: :func:`create_app` builds it from :class:`Settings`."""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from gidoc import __version__
from gidoc.web import admin, api
from gidoc.web.db.engine import open_engine
from gidoc.web.db.migrate import prepare
from gidoc.web.documents import Documents
from gidoc.web.filing import Refused
from gidoc.web.middleware import BodyLimit, SecurityHeaders
from gidoc.web.settings import Settings

#: Paths ending so take file uploads, bounded by ``Settings.max_upload`` instead of ``max_body``.
UPLOAD_SUFFIX = "/import"


def _json_error(status: int, content: dict[str, Any], headers: Any = None) -> JSONResponse:
    return JSONResponse(content, status_code=status, headers=headers)


def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    if any(error.get("type") == "json_invalid" for error in errors):
        return _json_error(400, {"detail": "请求内容不是有效的 JSON"})
    fields = []
    for error in errors:
        where = ".".join(str(part) for part in error.get("loc", ()) if part != "body")
        fields.append({"path": where, "message": str(error.get("msg", ""))})
    return _json_error(422, {"detail": "请求内容不符合要求", "errors": fields})


def _refused(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Refused)
    return _json_error(exc.status, {"detail": exc.message, **exc.extra})


def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    detail = exc.detail
    if exc.status_code == 404 and detail == "Not Found":
        detail = "没有这个地址"
    elif exc.status_code == 405:
        detail = "此地址不支持这种请求方法"
    return _json_error(exc.status_code, {"detail": detail}, exc.headers)


def create_app(settings: Settings | None = None) -> FastAPI:
    """The service: the JSON API, the browser pages if installed, the security headers.

    An empty database is migrated to the current schema; one at an older
    schema is refused (:class:`~gidoc.web.db.engine.DatabaseError`) until
    ``gidoc db upgrade`` has run.
    """
    settings = settings or Settings()
    engine = open_engine(settings.db_url)
    prepare(engine)
    documents = Documents(settings.pdf_pool_size)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        documents.close()
        engine.dispose()

    app = FastAPI(
        title="gidoc",
        version=__version__,
        lifespan=lifespan,
        # The API is described in the README; no interactive docs page loading outside scripts.
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.documents = documents
    app.add_exception_handler(Refused, _refused)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.include_router(api.router)
    app.include_router(admin.router)
    _install_pages(app)

    def limit_for(path: str) -> int:
        return settings.max_upload if path.endswith(UPLOAD_SUFFIX) else settings.max_body

    # Added last, so they wrap everything: headers on every answer, bodies bounded first.
    app.add_middleware(BodyLimit, limit_for=limit_for)
    app.add_middleware(SecurityHeaders)
    return app


def _install_pages(app: FastAPI) -> None:
    """Mount the browser pages (:mod:`gidoc.web.pages`) when that package is there."""
    try:
        pages = importlib.import_module("gidoc.web.pages")
    except ModuleNotFoundError as exc:
        if exc.name != "gidoc.web.pages":
            raise
        return
    install = getattr(pages, "install", None)
    if install is not None:
        install(app)
    else:
        app.include_router(pages.router)


__all__ = ["create_app"]
