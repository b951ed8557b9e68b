"""Every query of the service: functions taking a Connection and returning plain dataclasses.

Nothing else in gidoc writes SQL; these functions use SQLAlchemy Core, so every
value goes to the database as a bound parameter.  The caller owns the
transaction (:func:`gidoc.web.db.engine.reading` / ``writing``).
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from gidoc.web.db.schema import (
    agencies,
    audit,
    comments,
    login_failures,
    reports,
    roster,
    sessions,
    tokens,
    users,
    versions,
)

ROLES = ("clerk", "reviewer", "admin")
STATUSES = ("draft", "submitted", "returned", "approved")


def now() -> datetime.datetime:
    """The current time, timezone-aware UTC (what every time column holds)."""
    return datetime.datetime.now(datetime.timezone.utc)


def _utc(value: datetime.datetime) -> datetime.datetime:
    # SQLite hands back naive datetimes; they were written as UTC.
    return value if value.tzinfo is not None else value.replace(tzinfo=datetime.timezone.utc)


class Conflict(Exception):
    """A write that another write got to first (a name taken, a stale version)."""


class NameTaken(Conflict):
    """An account or agency with this name exists already."""


class ReportExists(Conflict):
    """The agency already has a report for this year; ``report_id`` is it."""

    def __init__(self, report_id: int) -> None:
        super().__init__(report_id)
        self.report_id = report_id


class StaleVersion(Conflict):
    """The save named a version that is no longer the latest; ``current`` is the latest."""

    def __init__(self, current: int) -> None:
        super().__init__(current)
        self.current = current


# -- agencies and the roster ---------------------------------------------------
@dataclass(frozen=True)
class Agency:
    """A unit of the region."""

    id: int
    name: str


def agency_by_name(conn: Connection, name: str) -> Agency | None:
    """The agency called ``name``, if any."""
    row = conn.execute(sa.select(agencies.c.id, agencies.c.name).where(agencies.c.name == name))
    found = row.first()
    return Agency(found.id, found.name) if found else None


def agency(conn: Connection, agency_id: int) -> Agency | None:
    """The agency with this id, if any."""
    row = conn.execute(
        sa.select(agencies.c.id, agencies.c.name).where(agencies.c.id == agency_id)
    ).first()
    return Agency(row.id, row.name) if row else None


def ensure_agency(conn: Connection, name: str) -> Agency:
    """The agency called ``name``, added if it is new."""
    found = agency_by_name(conn, name)
    if found is not None:
        return found
    new_id = conn.execute(
        sa.insert(agencies).values(name=name, created_at=now()).returning(agencies.c.id)
    ).scalar_one()
    return Agency(new_id, name)


def list_agencies(conn: Connection) -> list[Agency]:
    """Every agency, by name."""
    rows = conn.execute(sa.select(agencies.c.id, agencies.c.name).order_by(agencies.c.name))
    return [Agency(row.id, row.name) for row in rows]


def add_to_roster(conn: Connection, agency_id: int, year: int) -> None:
    """Expect a report of this agency for ``year`` (nothing happens if it is expected already)."""
    exists = conn.execute(
        sa.select(roster.c.agency_id).where(roster.c.agency_id == agency_id, roster.c.year == year)
    ).first()
    if exists is None:
        conn.execute(sa.insert(roster).values(agency_id=agency_id, year=year))


def remove_from_roster(conn: Connection, agency_id: int, year: int) -> bool:
    """No longer expect this agency's report for ``year``; False if it was not expected."""
    result = conn.execute(
        sa.delete(roster).where(roster.c.agency_id == agency_id, roster.c.year == year)
    )
    return result.rowcount > 0


def roster_for(conn: Connection, year: int) -> list[Agency]:
    """The agencies expected to report for ``year``, by name."""
    rows = conn.execute(
        sa.select(agencies.c.id, agencies.c.name)
        .join(roster, roster.c.agency_id == agencies.c.id)
        .where(roster.c.year == year)
        .order_by(agencies.c.name)
    )
    return [Agency(row.id, row.name) for row in rows]


def rename_agency(conn: Connection, agency_id: int, name: str) -> None:
    """Give an agency a new name (its reports and accounts follow); :class:`NameTaken` if in use."""
    other = agency_by_name(conn, name)
    if other is not None and other.id != agency_id:
        raise NameTaken(name)
    try:
        with conn.begin_nested():
            conn.execute(sa.update(agencies).where(agencies.c.id == agency_id).values(name=name))
    except sa.exc.IntegrityError:
        raise NameTaken(name) from None


def agency_usage(conn: Connection, agency_id: int) -> tuple[int, int]:
    """How many reports and how many accounts belong to an agency."""
    count_reports = conn.execute(
        sa.select(sa.func.count()).select_from(reports).where(reports.c.agency_id == agency_id)
    ).scalar_one()
    count_users = conn.execute(
        sa.select(sa.func.count()).select_from(users).where(users.c.agency_id == agency_id)
    ).scalar_one()
    return int(count_reports), int(count_users)


def remove_agency(conn: Connection, agency_id: int) -> None:
    """Delete an agency and its roster entries; the caller makes sure it has no reports or accounts."""
    conn.execute(sa.delete(roster).where(roster.c.agency_id == agency_id))
    conn.execute(sa.delete(agencies).where(agencies.c.id == agency_id))


def roster_years(conn: Connection) -> list[int]:
    """The years that have a roster, newest first."""
    rows = conn.execute(sa.select(roster.c.year).distinct().order_by(roster.c.year.desc()))
    return [int(row.year) for row in rows]


# -- accounts --------------------------------------------------------------------
@dataclass(frozen=True)
class User:
    """An account: its role, its agency (clerks only) and whether it may log in."""

    id: int
    name: str
    role: str
    agency_id: int | None
    agency: str | None
    disabled: bool
    password_hash: str | None


@functools.cache
def _user_query() -> sa.Select[tuple[object, ...]]:
    return sa.select(
        users.c.id,
        users.c.name,
        users.c.role,
        users.c.agency_id,
        agencies.c.name.label("agency"),
        users.c.disabled,
        users.c.password_hash,
    ).select_from(users.outerjoin(agencies, agencies.c.id == users.c.agency_id))


def _user(row: sa.Row[tuple[object, ...]]) -> User:
    m = row._mapping
    return User(
        int(m["id"]),
        str(m["name"]),
        str(m["role"]),
        m["agency_id"],
        m["agency"],
        bool(m["disabled"]),
        m["password_hash"],
    )


def add_user(
    conn: Connection, name: str, role: str, agency_id: int | None, password_hash: str | None
) -> User:
    """Add an account; :class:`NameTaken` if the name is in use."""
    if user_by_name(conn, name) is not None:
        raise NameTaken(name)
    try:
        with conn.begin_nested():
            conn.execute(
                sa.insert(users).values(
                    name=name,
                    role=role,
                    agency_id=agency_id,
                    password_hash=password_hash,
                    disabled=False,
                    created_at=now(),
                )
            )
    except sa.exc.IntegrityError:
        raise NameTaken(name) from None
    added = user_by_name(conn, name)
    assert added is not None
    return added


def user_by_name(conn: Connection, name: str) -> User | None:
    """The account called ``name``, if any."""
    row = conn.execute(_user_query().where(users.c.name == name)).first()
    return _user(row) if row else None


def user(conn: Connection, user_id: int) -> User | None:
    """The account with this id, if any."""
    row = conn.execute(_user_query().where(users.c.id == user_id)).first()
    return _user(row) if row else None


def list_users(conn: Connection) -> list[User]:
    """Every account, by name."""
    return [_user(row) for row in conn.execute(_user_query().order_by(users.c.name))]


def set_disabled(conn: Connection, user_id: int, disabled: bool) -> None:
    """Disable (or enable) an account; a disabled account's sessions end at once."""
    conn.execute(sa.update(users).where(users.c.id == user_id).values(disabled=disabled))
    if disabled:
        conn.execute(sa.delete(sessions).where(sessions.c.user_id == user_id))


def set_password(conn: Connection, user_id: int, password_hash: str) -> None:
    """Replace an account's password hash; its sessions end (a reset logs everyone out)."""
    conn.execute(sa.update(users).where(users.c.id == user_id).values(password_hash=password_hash))
    conn.execute(sa.delete(sessions).where(sessions.c.user_id == user_id))


def add_token(conn: Connection, user_id: int, token_hash: str) -> None:
    """Keep a new API token's hash for an account."""
    conn.execute(sa.insert(tokens).values(user_id=user_id, token_hash=token_hash, created_at=now()))


def revoke_tokens(conn: Connection, user_id: int) -> int:
    """Delete every API token of an account; how many there were."""
    return conn.execute(sa.delete(tokens).where(tokens.c.user_id == user_id)).rowcount


def user_for_token(conn: Connection, token_hash: str) -> User | None:
    """The enabled account an API token belongs to, if any."""
    row = conn.execute(
        _user_query()
        .join(tokens, tokens.c.user_id == users.c.id)
        .where(tokens.c.token_hash == token_hash, users.c.disabled == sa.false())
    ).first()
    return _user(row) if row else None


# -- sessions and the login throttle -------------------------------------------------
@dataclass(frozen=True)
class Session:
    """A browser login: its account, its CSRF token and when it ends."""

    id: int
    user: User
    csrf_token: str
    expires_at: datetime.datetime


def add_session(
    conn: Connection,
    token_hash: str,
    user_id: int,
    csrf_token: str,
    expires_at: datetime.datetime,
) -> None:
    """Keep a new login (the cookie's hash, never the cookie)."""
    conn.execute(
        sa.insert(sessions).values(
            token_hash=token_hash,
            user_id=user_id,
            csrf_token=csrf_token,
            created_at=now(),
            expires_at=expires_at,
        )
    )


def session_for(conn: Connection, token_hash: str, at: datetime.datetime) -> Session | None:
    """The unexpired login of an enabled account with this cookie hash, if any."""
    row = conn.execute(
        _user_query()
        .add_columns(
            sessions.c.id.label("session_id"), sessions.c.csrf_token, sessions.c.expires_at
        )
        .join(sessions, sessions.c.user_id == users.c.id)
        .where(sessions.c.token_hash == token_hash, users.c.disabled == sa.false())
    ).first()
    if row is None or _utc(row.expires_at) <= at:
        return None
    return Session(row.session_id, _user(row), row.csrf_token, _utc(row.expires_at))


def extend_session(conn: Connection, session_id: int, expires_at: datetime.datetime) -> None:
    """Move a login's end (each use keeps it alive)."""
    conn.execute(
        sa.update(sessions).where(sessions.c.id == session_id).values(expires_at=expires_at)
    )


def end_session(conn: Connection, token_hash: str) -> None:
    """Forget a login (logout)."""
    conn.execute(sa.delete(sessions).where(sessions.c.token_hash == token_hash))


def purge_expired(
    conn: Connection, at: datetime.datetime, failures_before: datetime.datetime
) -> None:
    """Delete ended logins and failed-login records older than the throttle window."""
    conn.execute(sa.delete(sessions).where(sessions.c.expires_at <= at))
    conn.execute(sa.delete(login_failures).where(login_failures.c.at < failures_before))


def record_failure(conn: Connection, key: str) -> None:
    """Note a failed login under ``key`` (``user:NAME`` or ``addr:ADDRESS``)."""
    conn.execute(sa.insert(login_failures).values(key=key, at=now()))


def count_failures(conn: Connection, key: str, since: datetime.datetime) -> int:
    """Failed logins under ``key`` since ``since``."""
    return int(
        conn.execute(
            sa.select(sa.func.count())
            .select_from(login_failures)
            .where(login_failures.c.key == key, login_failures.c.at >= since)
        ).scalar_one()
    )


def clear_failures(conn: Connection, key: str) -> None:
    """Forget the failed logins under ``key`` (after a successful login)."""
    conn.execute(sa.delete(login_failures).where(login_failures.c.key == key))


# -- reports and their versions --------------------------------------------------------
@dataclass(frozen=True)
class Report:
    """A report's head: its agency, year, status and latest version number."""

    id: int
    agency_id: int
    agency: str
    year: int
    status: str
    version: int
    updated_at: datetime.datetime


@functools.cache
def _report_query() -> sa.Select[tuple[object, ...]]:
    return sa.select(
        reports.c.id,
        reports.c.agency_id,
        agencies.c.name.label("agency"),
        reports.c.year,
        reports.c.status,
        reports.c.version,
        reports.c.updated_at,
    ).join(agencies, agencies.c.id == reports.c.agency_id)


def _report(row: sa.Row[tuple[object, ...]]) -> Report:
    m = row._mapping
    return Report(
        int(m["id"]),
        int(m["agency_id"]),
        str(m["agency"]),
        int(m["year"]),
        str(m["status"]),
        int(m["version"]),
        _utc(m["updated_at"]),
    )


def report(conn: Connection, report_id: int) -> Report | None:
    """The report with this id, if any."""
    row = conn.execute(_report_query().where(reports.c.id == report_id)).first()
    return _report(row) if row else None


def report_for(conn: Connection, agency_id: int, year: int) -> Report | None:
    """The agency's report for ``year``, if any."""
    row = conn.execute(
        _report_query().where(reports.c.agency_id == agency_id, reports.c.year == year)
    ).first()
    return _report(row) if row else None


def list_reports(
    conn: Connection, *, agency_id: int | None = None, year: int | None = None
) -> list[Report]:
    """Reports, newest year first then by agency name; only one agency's or one year's if given."""
    query = _report_query()
    if agency_id is not None:
        query = query.where(reports.c.agency_id == agency_id)
    if year is not None:
        query = query.where(reports.c.year == year)
    query = query.order_by(reports.c.year.desc(), agencies.c.name)
    return [_report(row) for row in conn.execute(query)]


def create_report(conn: Connection, agency_id: int, year: int, data: str, author_id: int) -> Report:
    """A new draft report with its first version; :class:`ReportExists` if the agency has one for the year."""
    existing = report_for(conn, agency_id, year)
    if existing is not None:
        raise ReportExists(existing.id)
    at = now()
    try:
        with conn.begin_nested():
            report_id = conn.execute(
                sa.insert(reports)
                .values(agency_id=agency_id, year=year, status="draft", version=1, updated_at=at)
                .returning(reports.c.id)
            ).scalar_one()
    except sa.exc.IntegrityError:
        # Another request filed it between the look-up and the insert.
        raced = report_for(conn, agency_id, year)
        raise ReportExists(raced.id if raced else 0) from None
    conn.execute(
        sa.insert(versions).values(
            report_id=report_id, number=1, data=data, author_id=author_id, created_at=at
        )
    )
    created = report(conn, report_id)
    assert created is not None
    return created


def save_version(
    conn: Connection,
    report_id: int,
    expected: int,
    data: str,
    author_id: int,
    *,
    status: str = "draft",
    restored_from: int | None = None,
) -> int:
    """Save ``data`` as the version after ``expected``; the new number.

    The head moves only if it still is at ``expected`` (one UPDATE … WHERE
    version = expected), so of two saves of one version exactly one wins; the
    other gets :class:`StaleVersion` with the latest number.
    """
    at = now()
    new = expected + 1
    moved = conn.execute(
        sa.update(reports)
        .where(reports.c.id == report_id, reports.c.version == expected)
        .values(version=new, status=status, updated_at=at)
    )
    if moved.rowcount != 1:
        current = conn.execute(
            sa.select(reports.c.version).where(reports.c.id == report_id)
        ).scalar_one()
        raise StaleVersion(int(current))
    conn.execute(
        sa.insert(versions).values(
            report_id=report_id,
            number=new,
            data=data,
            author_id=author_id,
            created_at=at,
            restored_from=restored_from,
        )
    )
    return new


def set_status(
    conn: Connection, report_id: int, version: int, allowed_from: Sequence[str], status: str
) -> bool:
    """Move a report at ``version`` whose status is one of ``allowed_from`` to ``status``.

    False (nothing changed) when the report has moved on or is in another status.
    """
    moved = conn.execute(
        sa.update(reports)
        .where(
            reports.c.id == report_id,
            reports.c.version == version,
            reports.c.status.in_(list(allowed_from)),
        )
        .values(status=status, updated_at=now())
    )
    return moved.rowcount == 1


@dataclass(frozen=True)
class Version:
    """One saved version: who saved it and when; ``data`` is its JSON text when asked for."""

    number: int
    author: str
    created_at: datetime.datetime
    restored_from: int | None
    data: str | None = None


@functools.cache
def _version_query(with_data: bool) -> sa.Select[tuple[object, ...]]:
    columns = [
        versions.c.number,
        users.c.name.label("author"),
        versions.c.created_at,
        versions.c.restored_from,
    ]
    if with_data:
        columns.append(versions.c.data)
    return sa.select(*columns).join(users, users.c.id == versions.c.author_id)


def _version(row: sa.Row[tuple[object, ...]]) -> Version:
    m = row._mapping
    return Version(
        int(m["number"]),
        str(m["author"]),
        _utc(m["created_at"]),
        m["restored_from"],
        m.get("data"),
    )


def list_versions(conn: Connection, report_id: int) -> list[Version]:
    """Every version of a report, newest first, without their data."""
    rows = conn.execute(
        _version_query(False)
        .where(versions.c.report_id == report_id)
        .order_by(versions.c.number.desc())
    )
    return [_version(row) for row in rows]


def version(conn: Connection, report_id: int, number: int) -> Version | None:
    """One version of a report with its data, if it exists."""
    row = conn.execute(
        _version_query(True).where(versions.c.report_id == report_id, versions.c.number == number)
    ).first()
    return _version(row) if row else None


def latest_data(conn: Connection, report_ids: Sequence[int]) -> dict[int, str]:
    """The latest version's data of each report, by report id."""
    if not report_ids:
        return {}
    rows = conn.execute(
        sa.select(versions.c.report_id, versions.c.data)
        .join(
            reports,
            sa.and_(reports.c.id == versions.c.report_id, reports.c.version == versions.c.number),
        )
        .where(versions.c.report_id.in_(list(report_ids)))
    )
    return {int(row.report_id): str(row.data) for row in rows}


# -- comments --------------------------------------------------------------------------
@dataclass(frozen=True)
class Comment:
    """A comment, or the note of a submission, return or approval (``kind``)."""

    id: int
    author: str
    role: str
    kind: str
    version: int
    body: str
    created_at: datetime.datetime


def add_comment(
    conn: Connection, report_id: int, author_id: int, kind: str, version: int, body: str
) -> None:
    """Add a comment (``kind`` comment, submit, return or approve) on a report's version."""
    conn.execute(
        sa.insert(comments).values(
            report_id=report_id,
            author_id=author_id,
            kind=kind,
            version=version,
            body=body,
            created_at=now(),
        )
    )


def list_comments(conn: Connection, report_id: int) -> list[Comment]:
    """A report's comments and notes, oldest first."""
    rows = conn.execute(
        sa.select(
            comments.c.id,
            users.c.name,
            users.c.role,
            comments.c.kind,
            comments.c.version,
            comments.c.body,
            comments.c.created_at,
        )
        .join(users, users.c.id == comments.c.author_id)
        .where(comments.c.report_id == report_id)
        .order_by(comments.c.id)
    )
    return [
        Comment(r.id, r.name, r.role, r.kind, r.version, r.body, _utc(r.created_at)) for r in rows
    ]


# -- the audit log -----------------------------------------------------------------------
@dataclass(frozen=True)
class AuditEntry:
    """Who did what to what, when and from where."""

    at: datetime.datetime
    user: str
    action: str
    target: str
    address: str


def log(
    conn: Connection, user: User | None, action: str, target: str, address: str, *, name: str = ""
) -> None:
    """Note an action in the audit log; ``name`` names an unknown account (a failed login)."""
    conn.execute(
        sa.insert(audit).values(
            at=now(),
            user_id=user.id if user else None,
            user_name=user.name if user else name[:100],
            action=action,
            target=target[:200],
            address=address[:64],
        )
    )


def audit_log(conn: Connection, limit: int = 200) -> list[AuditEntry]:
    """The latest audit entries, newest first."""
    rows = conn.execute(sa.select(audit).order_by(audit.c.id.desc()).limit(limit))
    return [AuditEntry(_utc(r.at), r.user_name, r.action, r.target, r.address) for r in rows]
