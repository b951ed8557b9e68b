"""Connecting to the service's database: an SQLite file (WAL) or PostgreSQL (psycopg 3).

The same code runs on both.  On SQLite a transaction that writes starts with
``BEGIN IMMEDIATE``, so two writers queue on the file lock (``busy_timeout``)
instead of one failing half-way, and the writers of one process queue on a lock
of their own first; readers never wait for a writer (WAL).
"""

from __future__ import annotations

import contextlib
import threading
import weakref
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from gidoc.errors import GidocError

#: How long an SQLite writer waits for the file lock before giving up (milliseconds).
_BUSY_MS = 30_000
#: One lock per SQLite engine: the writers of a process queue on it in order, instead of
#: polling the file lock with SQLite's busy handler (whose sleeps grow to 100 ms).
_WRITERS: weakref.WeakKeyDictionary[Engine, threading.RLock] = weakref.WeakKeyDictionary()


class DatabaseError(GidocError):
    """The database cannot be opened or is not one gidoc can use; the text says why."""

    exit_code = 2


def engine_url(url: str) -> sa.URL:
    """The SQLAlchemy URL for ``url``: ``postgresql://`` means psycopg 3; a plain path means SQLite."""
    if "://" not in url:
        url = f"sqlite:///{url}"
    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError:
        raise DatabaseError(
            f"数据库地址「{url}」无法识别；应为 sqlite:///文件 或 postgresql://…"
        ) from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise DatabaseError(
            f"不支持的数据库「{parsed.get_backend_name()}」；请用 SQLite（默认）或 PostgreSQL"
        )
    return parsed


def open_engine(url: str) -> Engine:
    """An engine for ``url`` with gidoc's connection settings (WAL and foreign keys on SQLite)."""
    parsed = engine_url(url)
    if parsed.get_backend_name() != "sqlite":
        return sa.create_engine(parsed, pool_pre_ping=True, pool_size=10, max_overflow=20)
    engine = sa.create_engine(parsed, connect_args={"timeout": _BUSY_MS / 1000})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, record: Any) -> None:
        # Transactions are begun by the "begin" hook below, not by the driver.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in (
            "journal_mode=WAL",
            # In WAL mode NORMAL loses nothing when the process is killed (only on power loss).
            "synchronous=NORMAL",
            "foreign_keys=ON",
            f"busy_timeout={_BUSY_MS}",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        writes = connection.get_execution_options().get("gidoc_writes", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")

    _WRITERS[engine] = threading.RLock()
    return engine


@contextlib.contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction that only reads."""
    with engine.connect() as connection, connection.begin():
        yield connection


@contextlib.contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction that writes: committed on success, rolled back on error."""
    lock = _WRITERS.get(engine)
    with (
        lock if lock is not None else contextlib.nullcontext(),
        engine.connect().execution_options(gidoc_writes=True) as connection,
        connection.begin(),
    ):
        yield connection
