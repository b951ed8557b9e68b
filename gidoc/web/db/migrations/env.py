"""Alembic's environment for gidoc: run on the connection gidoc hands over (no alembic.ini)."""

from __future__ import annotations

from alembic import context

from gidoc.web.db.schema import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
