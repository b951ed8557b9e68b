"""Fixtures of the web tests: the service on SQLite and on a throw-away PostgreSQL cluster.

Every web test takes ``service`` (directly or through ``people``) and so runs
twice: once on an SQLite file in its tmp_path, once on a fresh PostgreSQL
database copied from a migrated template.  The cluster is made with Debian's
initdb/pg_ctl in a temporary folder, listens on 127.0.0.1 at a free port, and
is stopped and deleted at the end of the session; as root (CI) it runs as the
``postgres`` user, since initdb refuses root.  Without PostgreSQL installed the
PostgreSQL runs are skipped — except under CI, where that is a failure.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from gidoc.web import auth
from gidoc.web.app import create_app
from gidoc.web.db import store
from gidoc.web.db.engine import writing
from gidoc.web.settings import Settings

SAMPLES = Path(__file__).resolve().parents[1] / "samples"

AGENCY = "牧野区工业和信息化局"  # the sample report's agency
OTHER_AGENCY = "红旗区教育局"
PASSWORD = "correct horse battery"


def free_port() -> int:
    """A TCP port nobody listens on at the moment."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The URL (without a database) of a PostgreSQL cluster of this session's own."""
    bindir = _postgres_bin()
    if bindir is None:
        if os.environ.get("CI"):
            pytest.fail("CI 必须运行 PostgreSQL 测试，但未找到 /usr/lib/postgresql/*/bin/initdb")
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql)")
    base = Path(tempfile.mkdtemp(prefix="gidoc-pg-"))
    prefix: list[str] = []
    if os.geteuid() == 0:
        # initdb refuses to run as root: the cluster belongs to the postgres user.
        shutil.chown(base, "postgres", "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    data, port = base / "data", free_port()
    subprocess.run(
        [*prefix, str(bindir / "initdb"), "-D", str(data), "-U", "gidoc", "--auth=trust",
         "-E", "UTF8", "--no-locale", "-N"],
        check=True, capture_output=True,
    )  # fmt: skip
    options = f"-p {port} -h 127.0.0.1 -k {base} -F -c max_connections=200"
    subprocess.run(
        [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-o", options,
         "-l", str(base / "log"), "-w", "-t", "60", "start"],
        check=True, capture_output=True,
    )  # fmt: skip
    url = f"postgresql://gidoc@127.0.0.1:{port}"
    try:
        _make_template(url)
        yield url
    finally:
        subprocess.run(
            [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(base, ignore_errors=True)


def _admin_sql(url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(f"{url}/postgres", autocommit=True) as connection:
        connection.execute(statement)  # type: ignore[arg-type]


def _make_template(url: str) -> None:
    """A migrated database that each test's database is copied from (faster than migrating)."""
    from gidoc.web.db.engine import open_engine
    from gidoc.web.db.migrate import upgrade

    _admin_sql(url, "CREATE DATABASE gidoc_template")
    engine = open_engine(f"{url}/gidoc_template")
    upgrade(engine)
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh database for one test: an SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'gidoc.db'}"
    server: str = request.getfixturevalue("postgres_server")
    name = f"t_{uuid.uuid4().hex[:16]}"
    _admin_sql(server, f"CREATE DATABASE {name} TEMPLATE gidoc_template")
    return f"{server}/{name}"


@dataclass
class Service:
    """The app under test, and helpers to make accounts and clients for it."""

    app: FastAPI
    clients: list[TestClient] = field(default_factory=list)

    def add_user(
        self, name: str, role: str, agency: str | None = None, *, password: str | None = PASSWORD
    ) -> str:
        """Add an account (and its agency); return a new API token for it."""
        with writing(self.app.state.engine) as conn:
            agency_id = store.ensure_agency(conn, agency).id if agency else None
            hashed = auth.hash_password(password) if password else None
            added = store.add_user(conn, name, role, agency_id, hashed)
            return auth.new_token(conn, added.id)

    def client(self, token: str | None = None) -> TestClient:
        """A client sending ``token`` as Bearer (none without one)."""
        made = TestClient(self.app, base_url="http://127.0.0.1")
        if token:
            made.headers["Authorization"] = f"Bearer {token}"
        self.clients.append(made)
        return made

    def browser(self, name: str, password: str = PASSWORD) -> tuple[TestClient, str]:
        """A client logged in with a session cookie, and its CSRF token (not sent by default)."""
        made = self.client()
        answer = made.post("/api/login", json={"name": name, "password": password})
        assert answer.status_code == 200, answer.text
        return made, str(answer.json()["csrf_token"])


@pytest.fixture
def service(db_url: str) -> Iterator[Service]:
    """The service on a fresh database (plain-HTTP cookies, since the test client uses http)."""
    app = create_app(Settings(db_url=db_url, secure_cookies=False))
    made = Service(app)
    yield made
    for client in made.clients:
        client.close()
    app.state.documents.close()
    app.state.engine.dispose()


@dataclass
class People:
    """Two agencies' clerks, a reviewer and an admin, with Bearer clients."""

    service: Service
    clerk: TestClient
    other_clerk: TestClient
    reviewer: TestClient
    admin: TestClient
    anonymous: TestClient

    def by_role(self, role: str) -> TestClient:
        """The client of ``clerk``, ``other_clerk``, ``reviewer``, ``admin`` or ``anonymous``."""
        client: TestClient = getattr(self, role)
        return client


@pytest.fixture
def people(service: Service) -> People:
    """Accounts: 张三 (clerk of AGENCY), 李四 (clerk of OTHER_AGENCY), 王审核, 赵管理."""
    return People(
        service,
        service.client(service.add_user("张三", "clerk", AGENCY, password=None)),
        service.client(service.add_user("李四", "clerk", OTHER_AGENCY, password=None)),
        service.client(service.add_user("王审核", "reviewer", password=None)),
        service.client(service.add_user("赵管理", "admin", password=None)),
        service.client(),
    )


def sample_data() -> dict[str, Any]:
    """The shipped sample report (valid; its agency is AGENCY)."""
    data: dict[str, Any] = json.loads((SAMPLES / "muye-2025.json").read_text(encoding="utf-8"))
    return data


def body(data: dict[str, Any]) -> bytes:
    """Report data as a request body."""
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def file_report(client: TestClient, data: dict[str, Any] | None = None) -> int:
    """File a report through the API and return its id."""
    answer = client.post("/api/reports", content=body(data or sample_data()))
    assert answer.status_code == 201, answer.text
    return int(answer.json()["id"])
