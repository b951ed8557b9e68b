"""Who is asking: passwords (argon2), browser sessions, API tokens, CSRF, the login throttle.

A request is authenticated by an ``Authorization: Bearer <token>`` header (a
program) or by the session cookie (a browser).  A cookie is sent by the browser
on its own, so every unsafe request (POST, PUT, PATCH, DELETE) that relies on
it must also carry the session's CSRF token, in the ``X-CSRF-Token`` header
(scripts) or the ``csrf_token`` form field (HTML forms); a Bearer token cannot
be sent by another site, so it needs none.  Cookies and tokens are random and
kept in the database only as their SHA-256.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import HTTPException, Request, Response
from sqlalchemy.engine import Connection, Engine
from starlette.concurrency import run_in_threadpool

from gidoc.web.db import store
from gidoc.web.db.engine import reading, writing
from gidoc.web.settings import Settings

#: The session cookie's name.
COOKIE = "gidoc_session"
#: Methods that change something and so need a CSRF token when a cookie authenticates them.
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

_hasher = PasswordHasher()
# Verified against when the account does not exist, so that both cases take as long.
_DUMMY_HASH = _hasher.hash("gidoc: no such account")


def hash_password(password: str) -> str:
    """The argon2id hash of ``password`` (salted, with argon2-cffi's current parameters)."""
    return _hasher.hash(password)


def password_matches(password_hash: str | None, password: str) -> bool:
    """True when ``password`` is the one ``password_hash`` was made from."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def digest(secret: str) -> str:
    """The SHA-256 (hex) under which a cookie or token is kept."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_token(conn: Connection, user_id: int) -> str:
    """A new API token for an account; only its hash is kept, so it is shown once."""
    token = secrets.token_urlsafe(32)
    store.add_token(conn, user_id, digest(token))
    return token


@dataclass(frozen=True)
class Principal:
    """The account behind a request and how it came: ``session`` is None for a Bearer token."""

    user: store.User
    session: store.Session | None = None

    @property
    def csrf_token(self) -> str:
        """The token forms and scripts send back with unsafe requests ("" for a Bearer token)."""
        return self.session.csrf_token if self.session else ""


class LoginRefused(Exception):
    """A login that failed; the text is for the user, ``status`` 401 or 429 (throttled)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Login:
    """A successful login: the cookie value to set, and the session's CSRF token."""

    user: store.User
    cookie: str
    csrf_token: str


def _throttled(conn: Connection, settings: Settings, name: str, address: str) -> bool:
    since = store.now() - datetime.timedelta(minutes=settings.throttle_minutes)
    return (
        store.count_failures(conn, f"user:{name}", since) >= settings.max_failures
        or store.count_failures(conn, f"addr:{address}", since) >= settings.max_address_failures
    )


def log_in(engine: Engine, settings: Settings, name: str, password: str, address: str) -> Login:
    """Check a name and password and open a session; :class:`LoginRefused` says why not.

    After ``settings.max_failures`` wrong passwords for one account (or
    ``max_address_failures`` from one address) within ``throttle_minutes``,
    logins are refused (429) until the window has passed, even with the
    right password.  Every attempt goes to the audit log (never the password).
    """
    with writing(engine) as conn:
        at = store.now()
        store.purge_expired(conn, at, at - datetime.timedelta(minutes=settings.throttle_minutes))
        account = store.user_by_name(conn, name)
        hashed = account.password_hash if account else None
        if _throttled(conn, settings, name, address):
            # Still a try from this address: a guesser moving from name to name is stopped too.
            store.record_failure(conn, f"addr:{address}")
            store.log(conn, account, "login-throttled", f"user {name}", address, name=name)
            failure = LoginRefused(
                f"登录失败次数过多，请 {settings.throttle_minutes} 分钟后再试", 429
            )
        # The hash is checked even for a disabled account: the time taken must not tell which.
        elif not password_matches(hashed, password) or account is None or account.disabled:
            store.record_failure(conn, f"user:{name}")
            store.record_failure(conn, f"addr:{address}")
            store.log(conn, account, "login-failed", f"user {name}", address, name=name)
            failure = LoginRefused("用户名或密码不正确", 401)
        else:
            cookie = secrets.token_urlsafe(32)
            csrf = secrets.token_urlsafe(32)
            expires = at + datetime.timedelta(minutes=settings.session_minutes)
            store.add_session(conn, digest(cookie), account.id, csrf, expires)
            store.clear_failures(conn, f"user:{name}")
            store.log(conn, account, "login", f"user {name}", address)
            return Login(account, cookie, csrf)
    # Raised after the transaction, so the failure records are committed.
    raise failure


def log_out(engine: Engine, request: Request) -> None:
    """End the request's session, if it has one."""
    cookie = request.cookies.get(COOKIE)
    if cookie:
        with writing(engine) as conn:
            store.end_session(conn, digest(cookie))


def set_session_cookie(response: Response, settings: Settings, cookie: str) -> None:
    """Give the browser its session cookie: HttpOnly, SameSite=Lax, Secure unless told otherwise."""
    response.set_cookie(
        COOKIE,
        cookie,
        max_age=settings.session_minutes * 60,
        httponly=True,
        secure=settings.secure_cookies,
        samesite="lax",
        path="/",
    )


def clear_session_cookie(response: Response, settings: Settings) -> None:
    """Tell the browser to forget its session cookie."""
    response.delete_cookie(
        COOKIE, httponly=True, secure=settings.secure_cookies, samesite="lax", path="/"
    )


def client_address(request: Request) -> str:
    """The client's address as the server saw it (a reverse proxy's own, unless uvicorn trusts it)."""
    return request.client.host if request.client else "?"


def _lookup(engine: Engine, settings: Settings, request: Request) -> Principal | None:
    header = request.headers.get("authorization", "")
    scheme, _, credential = header.partition(" ")
    if scheme.lower() == "bearer" and credential.strip():
        with reading(engine) as conn:
            found = store.user_for_token(conn, digest(credential.strip()))
        return Principal(found) if found else None
    cookie = request.cookies.get(COOKIE)
    if not cookie:
        return None
    at = store.now()
    with reading(engine) as conn:
        session = store.session_for(conn, digest(cookie), at)
    if session is None:
        return None
    # Each use keeps a session alive; written only once half of its time is gone.
    lifetime = datetime.timedelta(minutes=settings.session_minutes)
    if session.expires_at - at < lifetime / 2:
        with writing(engine) as conn:
            store.extend_session(conn, session.id, at + lifetime)
    return Principal(session.user, session)


async def csrf_ok(request: Request, principal: Principal) -> bool:
    """True when the request may go ahead: safe, Bearer-authenticated, or carrying the CSRF token.

    The token is looked for in the ``X-CSRF-Token`` header, then (for a form
    post) in the ``csrf_token`` field; Starlette keeps the parsed form, so the
    route can read it again.
    """
    if request.method not in UNSAFE_METHODS or principal.session is None:
        return True
    sent = request.headers.get("x-csrf-token", "")
    if not sent:
        kind = request.headers.get("content-type", "")
        if kind.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            field = (await request.form()).get("csrf_token")
            sent = field if isinstance(field, str) else ""
    return bool(sent) and hmac.compare_digest(sent, principal.session.csrf_token)


async def optional_user(request: Request) -> Principal | None:
    """FastAPI dependency: the request's account, or None when it has no valid credentials.

    A cookie-authenticated unsafe request without the right CSRF token gets 403.
    """
    engine: Engine = request.app.state.engine
    settings: Settings = request.app.state.settings
    principal = await run_in_threadpool(_lookup, engine, settings, request)
    if principal is not None and not await csrf_ok(request, principal):
        raise HTTPException(403, "请求缺少有效的 CSRF 令牌；请刷新页面后重试")
    return principal


async def current_user(request: Request) -> Principal:
    """FastAPI dependency: the request's account; 401 without valid credentials, 403 without CSRF."""
    principal = await optional_user(request)
    if principal is None:
        raise HTTPException(
            401, "未登录或令牌无效", headers={"WWW-Authenticate": 'Bearer realm="gidoc"'}
        )
    return principal


def require_role(*roles: str) -> Callable[[Request], Awaitable[Principal]]:
    """FastAPI dependency factory: the current account, 403 unless its role is one of ``roles``."""

    async def guard(request: Request) -> Principal:
        principal = await current_user(request)
        if principal.user.role not in roles:
            raise HTTPException(403, "当前账号的角色无权进行此操作")
        return principal

    return guard
