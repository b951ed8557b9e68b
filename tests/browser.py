"""Fixtures of the browser tests: a live ``gidoc serve`` and Debian's chromium driven by playwright.

Registered for every test module by ``pytest_plugins`` in ``tests/conftest.py``.
Names kept stable for every page's tests:

- ``live`` (session): a :class:`Live` — a real ``gidoc serve`` subprocess on
  127.0.0.1 at a free port, with a fresh SQLite database in a temporary folder
  and the accounts of :data:`ACCOUNTS` (password :data:`PASSWORD`), each also
  with an API token (``live.token[key]``) for setting up reports through the
  JSON API (``live.api(key, method, path, json=…)``).  ``live.url(path)``
  gives an address; ``live.expire_sessions(key)`` ends an account's browser
  sessions in the database, as if their time had run out.
- ``chromium`` (module): the playwright ``Browser`` (Debian's chromium, no
  download); the module is skipped when chromium is not installed (outside CI).
- ``open_page`` (function): ``open_page(key=None)`` returns a new playwright
  ``Page`` in a fresh context (its own cookies), logged in as account ``key``
  through the login form when given; contexts are closed after the test.
  Each page records what the console and CSP complain of:
  ``console_errors(page)``.
- ``axe(page)``: runs axe-core (node_modules) in the page and returns the
  WCAG 2.1 A/AA violations as ``[{"id", "help", "nodes": [html…]}]``.
- ``log_in(page, live, key)``: logs in through the form and waits for the home page.
- ``file_report(live, key, data)``: files report data through the API as account ``key``
  and returns its id — or the id of the unit's report for that year if there is one
  already (the service is shared by the whole session, so tests pick distinct years).
- ``sample(year, **changes)``: the shipped sample report (agency :data:`AGENCY`) for ``year``.

Accounts (:data:`ACCOUNTS`): ``clerk`` (张填报, :data:`AGENCY`), ``clerk2``
(李填报, :data:`OTHER_AGENCY`), ``reviewer`` (王审核), ``admin`` (赵管理).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from webtest import AGENCY, OTHER_AGENCY, PASSWORD, free_port

ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@dataclass(frozen=True)
class Account:
    """A test account: login name, role, agency ("" for a reviewer or admin)."""

    name: str
    role: str
    agency: str = ""


#: The accounts of the live service, by the key tests use.
ACCOUNTS = {
    "clerk": Account("张填报", "clerk", AGENCY),
    "clerk2": Account("李填报", "clerk", OTHER_AGENCY),
    "reviewer": Account("王审核", "reviewer"),
    "admin": Account("赵管理", "admin"),
}


@dataclass
class Live:
    """A running ``gidoc serve``: its base address, database and accounts' API tokens."""

    base: str
    db_url: str
    db_path: Path
    token: dict[str, str] = field(default_factory=dict)

    def url(self, path: str = "/") -> str:
        """The full address of ``path`` on the service."""
        return self.base + path

    def api(
        self, key: str, method: str, path: str, json_body: Any = None, headers: Any = None
    ) -> tuple[int, Any]:
        """Call the JSON API as account ``key`` (its token): the status and the decoded answer."""
        data = None if json_body is None else json.dumps(json_body, ensure_ascii=False).encode()
        request = urllib.request.Request(self.url(path), data=data, method=method)
        request.add_header("Authorization", f"Bearer {self.token[key]}")
        request.add_header("Content-Type", "application/json")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                raw = answer.read()
                status = answer.status
        except urllib.error.HTTPError as exc:
            raw, status = exc.read(), exc.code
        try:
            return status, json.loads(raw.decode("utf-8")) if raw else None
        except ValueError:
            return status, raw

    def expire_sessions(self, key: str) -> None:
        """End the browser sessions of account ``key`` as if their time had run out."""
        import datetime

        import sqlalchemy

        from gidoc.web.db import schema

        past = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)
        engine = sqlalchemy.create_engine(self.db_url)
        try:
            with engine.begin() as conn:
                user = sqlalchemy.select(schema.users.c.id).where(
                    schema.users.c.name == ACCOUNTS[key].name
                )
                conn.execute(
                    schema.sessions.update()
                    .where(schema.sessions.c.user_id.in_(user.scalar_subquery()))
                    .values(expires_at=past)
                )
        finally:
            engine.dispose()


def file_report(live: Live, key: str, data: dict[str, Any]) -> int:
    """File ``data`` as account ``key``; the new report's id, or the existing one's for that year."""
    status, answer = live.api(key, "POST", "/api/reports", data)
    if status == 409 and isinstance(answer, dict) and "id" in answer:
        return int(answer["id"])
    assert status == 201, answer
    return int(answer["id"])


def sample(year: int, agency: str = AGENCY) -> dict[str, Any]:
    """The shipped sample report's data, for ``year`` and ``agency``."""
    data: dict[str, Any] = json.loads((ROOT / "samples" / "muye-2025.json").read_text("utf-8"))
    data["year"] = year
    data["agency"] = agency
    data.pop("title", None)
    data.pop("issuer", None)
    return data


def _gidoc(*args: str, stdin: str = "") -> str:
    result = subprocess.run(
        [sys.executable, "-m", "gidoc", *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError("gidoc serve stopped:\n" + log.read_text(errors="replace"))
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("gidoc serve did not answer:\n" + log.read_text(errors="replace"))


@pytest.fixture(scope="session")
def live() -> Iterator[Live]:
    """A ``gidoc serve`` of this session's own, with the four accounts of :data:`ACCOUNTS`."""
    folder = Path(tempfile.mkdtemp(prefix="gidoc-live-"))
    db_path = folder / "gidoc.db"
    db_url = f"sqlite:///{db_path}"
    tokens = {}
    for key, account in ACCOUNTS.items():
        extra = ["--agency", account.agency] if account.agency else []
        out = _gidoc(
            "users", "add", account.name, "--role", account.role, *extra,
            "--password-stdin", "--token", "--db", db_url, stdin=PASSWORD + "\n",
        )  # fmt: skip
        tokens[key] = out.split()[-1]
    port = free_port()
    log = folder / "serve.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "gidoc", "serve", "--port", str(port), "--db", db_url,
             "--insecure-cookies"],
            stdout=sink,
            stderr=subprocess.STDOUT,
            cwd=folder,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process, log)
        yield Live(base, db_url, db_path, tokens)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """Debian's chromium under playwright (skipped outside CI when it is not installed).

    Per module: playwright's sync API runs an event loop while it is open, and other
    test modules (test_html.py, test_review_outputs.py) start their own afterwards.
    """
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium must be installed for the browser tests (setup-debian.sh --test)")
        pytest.skip(
            "Debian's chromium is not installed (scripts/setup-debian.sh --test installs it)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


_ERRORS: dict[int, list[str]] = {}


def console_errors(page: Any) -> list[str]:
    """What the page's console said as errors so far: CSP refusals, script errors.

    Answers with an error status (a refused login's 401) are left out; tests check them.
    """
    noise = "Failed to load resource: the server responded with a status of 4"
    return [text for text in _ERRORS.get(id(page), []) if not text.startswith(noise)]


def log_in(page: Any, live: Live, key: str) -> None:
    """Log in as account ``key`` through the login form and wait for the role's home page."""
    page.goto(live.url("/login"))
    page.get_by_label("用户名").fill(ACCOUNTS[key].name)
    page.get_by_label("密码").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()


@pytest.fixture
def open_page(live: Live, chromium: Any) -> Iterator[Callable[..., Any]]:
    """``open_page(key=None, **context_options)``: a new page in a context of its own, logged in
    as ``key`` if given; options (``viewport=…``) go to playwright's ``new_context``."""
    contexts: list[Any] = []

    def opener(key: str | None = None, **options: Any) -> Any:
        settings = {
            "locale": "zh-CN",
            "accept_downloads": True,
            "viewport": {"width": 1400, "height": 900},
            **options,
        }
        context = chromium.new_context(**settings)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        _ERRORS[id(page)] = errors
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        if key is not None:
            log_in(page, live, key)
        return page

    yield opener
    for context in contexts:
        for page in context.pages:
            _ERRORS.pop(id(page), None)
        context.close()


def axe(page: Any) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.1 A/AA violations on the page as it is now (empty when none)."""
    # Evaluated through the debugging protocol, so the page's CSP does not stop it.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    found: list[dict[str, Any]] = page.evaluate(
        "async () => (await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})).violations.map(v => "
        "({id: v.id, help: v.help, nodes: v.nodes.map(n => n.html)}))"
    )
    return found
