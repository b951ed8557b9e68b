"""Run the service with uvicorn: one process, or several workers sharing the database."""

from __future__ import annotations

import dataclasses
import json
import os

from fastapi import FastAPI

from gidoc.web.settings import Settings

#: Where the settings travel to worker processes (uvicorn starts them from an import string).
SETTINGS_VARIABLE = "GIDOC_WEB_SETTINGS"


def app_from_environment() -> FastAPI:
    """The app for a uvicorn worker, built from the settings the parent process left in the environment."""
    from gidoc.web.app import create_app

    values = json.loads(os.environ.get(SETTINGS_VARIABLE, "{}"))
    return create_app(Settings(**values))


def run(settings: Settings, host: str, port: int, workers: int = 1) -> None:
    """Serve on ``host:port`` until stopped (Ctrl-C or SIGTERM end it cleanly).

    The database is prepared (an empty one migrated) before the first request;
    with ``workers`` > 1 each worker process opens its own connections, and
    sessions, throttling and locking all live in the database.
    """
    import uvicorn

    from gidoc.web.app import create_app

    # Built once here so that an unusable database stops the command before it listens.
    app = create_app(settings)
    common = {
        "host": host,
        "port": port,
        "proxy_headers": True,
        # Only a proxy on this machine may say who the client is.
        "forwarded_allow_ips": "127.0.0.1",
        "server_header": False,
        "log_level": "info",
    }
    if workers <= 1:
        uvicorn.run(app, **common)  # type: ignore[arg-type]
        return
    os.environ[SETTINGS_VARIABLE] = json.dumps(dataclasses.asdict(settings))
    uvicorn.run(
        "gidoc.web.serve:app_from_environment",
        factory=True,
        workers=workers,
        **common,  # type: ignore[arg-type]
    )
