"""Scratch quiz databases for the quiz benchmarks: a fresh SQLite file or a fresh PostgreSQL database."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from _common import scratch_var

from bot.db import Database

POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


@contextmanager
def scratch(backend: str, name: str) -> Iterator[Database]:
    if backend == "sqlite":
        path = scratch_var() / f"{name}.db"
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(f"{path}{suffix}"):
                os.remove(f"{path}{suffix}")
        db = Database(f"sqlite:///{path}")
        db.migrate()
        try:
            yield db
        finally:
            db.dispose()
        return
    import sqlalchemy
    from sqlalchemy.engine import make_url

    admin = sqlalchemy.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        c.exec_driver_sql(f'CREATE DATABASE "{name}"')
    db = Database(make_url(POSTGRES_URL).set(database=name))
    db.migrate()
    try:
        yield db
    finally:
        db.dispose()
        with admin.connect() as c:
            c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
