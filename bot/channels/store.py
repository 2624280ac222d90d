"""What the channels' modules share about the database: the dialect's INSERT (with ``ON CONFLICT``), the rows a
statement changed, and running a short transaction of the synchronous database from async code."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Executable
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.db import Database

T = TypeVar("T")


def dialect_insert(session: Session) -> Callable[..., Any]:
    """The dialect's ``insert`` (it has ``on_conflict_do_nothing/do_update``): SQLite and PostgreSQL only."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert
    if dialect == "sqlite":
        return sqlite.insert
    raise ValueError(f"unsupported database {dialect!r}: use SQLite or PostgreSQL")


def changed(session: Session, statement: Executable) -> int:
    """Run an INSERT, UPDATE or DELETE; how many rows it changed."""
    return int(getattr(session.execute(statement), "rowcount", 0) or 0)


async def writing(db: Database, work: Callable[[Session], T]) -> T:
    """``db.write_retrying(work)`` in a worker thread, so that the event loop is not blocked."""
    return await asyncio.to_thread(db.write_retrying, work)


async def reading(db: Database, work: Callable[[Session], T]) -> T:
    """``work`` in ``db.read()`` in a worker thread."""

    def run() -> T:
        with db.read() as session:
            return work(session)

    return await asyncio.to_thread(run)
