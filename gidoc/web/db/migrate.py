"""Schema migrations (Alembic, scripts shipped as package data) and the online backup."""

from __future__ import annotations

import contextlib
import importlib.resources
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from gidoc.errors import os_reason
from gidoc.web.db.engine import DatabaseError


@contextlib.contextmanager
def _config(engine: Engine) -> Iterator[Config]:
    with importlib.resources.as_file(
        importlib.resources.files("gidoc.web.db") / "migrations"
    ) as folder:
        config = Config()
        config.set_main_option("script_location", str(folder))
        yield config


def head() -> str:
    """The revision the shipped migrations lead to."""
    with importlib.resources.as_file(
        importlib.resources.files("gidoc.web.db") / "migrations"
    ) as folder:
        config = Config()
        config.set_main_option("script_location", str(folder))
        found = ScriptDirectory.from_config(config).get_current_head()
    assert found is not None
    return found


def current(engine: Engine) -> str | None:
    """The database's revision; None for an empty database (no gidoc tables)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Bring the database to the latest schema; (revision before, revision after)."""
    before = current(engine)
    with _config(engine) as config, engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    return before, head()


def prepare(engine: Engine) -> None:
    """Migrate an empty database; refuse one at an older revision (its upgrade is the admin's call)."""
    revision = current(engine)
    if revision is None:
        upgrade(engine)
    elif revision != head():
        raise DatabaseError(
            f"数据库的结构版本是 {revision}，本版 gidoc 需要 {head()}；"
            "请先备份（gidoc db backup 文件），再运行 gidoc db upgrade"
        )


def backup(engine: Engine, target: Path) -> Path:
    """Copy an SQLite database to ``target`` with SQLite's online backup (the service may run).

    The copy is written beside ``target`` and renamed into place, so a failed
    backup leaves no half file.  PostgreSQL is backed up with ``pg_dump``.
    """
    if engine.dialect.name != "sqlite":
        raise DatabaseError(
            "PostgreSQL 数据库请用 pg_dump 备份，例如：pg_dump -Fc -f gidoc.dump 数据库名"
        )
    source_path = engine.url.database
    if not source_path or source_path == ":memory:":
        raise DatabaseError("内存数据库无法备份")
    target = Path(target)
    if target.exists() and target.resolve() == Path(source_path).resolve():
        raise DatabaseError(f"{target}：不能备份到数据库文件自身")
    try:
        handle, temporary = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or Path(".")
        )
        os.close(handle)
    except OSError as exc:
        raise DatabaseError(f"{target}：无法写入（{os_reason(exc)}）") from None
    try:
        source = sqlite3.connect(source_path)
        copy = sqlite3.connect(temporary)
        try:
            with copy:
                source.backup(copy)
        finally:
            copy.close()
            source.close()
        os.replace(temporary, target)
    except (sqlite3.Error, OSError) as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        reason = os_reason(exc) if isinstance(exc, OSError) else str(exc)
        raise DatabaseError(f"{target}：备份失败（{reason}）") from None
    return target
