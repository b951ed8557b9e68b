"""The service's tables, declared once with SQLAlchemy Core.

The migrations in :mod:`gidoc.web.db.migrations` create exactly these tables;
:mod:`gidoc.web.db.store` is the only module that queries them.  Times are
timezone-aware UTC.  A report's data is kept as the JSON text gidoc writes
(decimals digit for digit), one row per saved version.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

_TIME = sa.DateTime(timezone=True)

#: The units of the region (报告机关), each named once.
agencies = sa.Table(
    "agencies",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("created_at", _TIME, nullable=False),
)

#: The roster: which units must report for which year (what the reviewer finds missing).
roster = sa.Table(
    "roster",
    metadata,
    sa.Column("agency_id", sa.ForeignKey("agencies.id"), primary_key=True),
    sa.Column("year", sa.Integer, primary_key=True),
)

#: Accounts: a clerk belongs to one agency; reviewers and admins to none.
users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(100), nullable=False, unique=True),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("agency_id", sa.ForeignKey("agencies.id"), nullable=True),
    sa.Column("password_hash", sa.String(200), nullable=True),
    sa.Column("disabled", sa.Boolean, nullable=False, default=False),
    sa.Column("created_at", _TIME, nullable=False),
    sa.CheckConstraint("role in ('clerk', 'reviewer', 'admin')", name="role"),
)

#: API tokens, kept only as their SHA-256 (a token is shown once, when made).
tokens = sa.Table(
    "tokens",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id"), nullable=False, index=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", _TIME, nullable=False),
)

#: Browser logins, kept in the database so that several workers share them.
sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("user_id", sa.ForeignKey("users.id"), nullable=False, index=True),
    sa.Column("csrf_token", sa.String(64), nullable=False),
    sa.Column("created_at", _TIME, nullable=False),
    sa.Column("expires_at", _TIME, nullable=False),
)

#: Failed logins, by account ("user:NAME") and by client address ("addr:1.2.3.4").
login_failures = sa.Table(
    "login_failures",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("key", sa.String(200), nullable=False, index=True),
    sa.Column("at", _TIME, nullable=False),
)

#: One report of one agency for one year; ``version`` is its latest saved version.
reports = sa.Table(
    "reports",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("agency_id", sa.ForeignKey("agencies.id"), nullable=False),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("updated_at", _TIME, nullable=False),
    sa.UniqueConstraint("agency_id", "year", name="uq_reports_agency_year"),
    sa.CheckConstraint("status in ('draft', 'submitted', 'returned', 'approved')", name="status"),
)

#: Every save of a report: its data, who saved it and when.
versions = sa.Table(
    "versions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("report_id", sa.ForeignKey("reports.id"), nullable=False),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("data", sa.Text, nullable=False),
    sa.Column("author_id", sa.ForeignKey("users.id"), nullable=False),
    sa.Column("created_at", _TIME, nullable=False),
    sa.Column("restored_from", sa.Integer, nullable=True),
    sa.UniqueConstraint("report_id", "number", name="uq_versions_report_number"),
)

#: Comments on a report, and the notes of its submissions, returns and approvals.
comments = sa.Table(
    "comments",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("report_id", sa.ForeignKey("reports.id"), nullable=False, index=True),
    sa.Column("author_id", sa.ForeignKey("users.id"), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("created_at", _TIME, nullable=False),
)

#: Who did what when: logins, saves, submissions, downloads — never a report's contents.
audit = sa.Table(
    "audit",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", _TIME, nullable=False, index=True),
    sa.Column("user_id", sa.ForeignKey("users.id"), nullable=True),
    sa.Column("user_name", sa.String(100), nullable=False),
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("target", sa.String(200), nullable=False),
    sa.Column("address", sa.String(64), nullable=False),
)
