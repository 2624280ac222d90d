"""Alembic environment: runs on the connection passed in by ``bot.db.migrate`` (or the URL in the config)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from bot.db.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    url = config.get_main_option("sqlalchemy.url")
    if url is None:
        raise RuntimeError("alembic: no connection passed in and no sqlalchemy.url in the configuration")
    engine = create_engine(url)
    with engine.begin() as conn:
        _run(conn)
