"""Opening the database: the URL, engine settings per backend, write transactions and migrations.

- Default: a SQLite file, ``var/antifraud.db`` in the project (``$ANTIFRAUD_VAR/antifraud.db`` when that is set).
  ``DATABASE_URL`` takes any SQLAlchemy URL instead; ``postgresql://`` URLs use psycopg 3.
- The caller owns the session and the transaction (SQLAlchemy "session basics"); :meth:`Database.write` and
  :meth:`Database.read` are the usual way to get one.
- SQLite: WAL journal, foreign keys on, a 30 s busy timeout, and write transactions that start with
  ``BEGIN IMMEDIATE`` so that concurrent writers queue for the lock instead of failing on a read-to-write upgrade.
- PostgreSQL: READ COMMITTED; the engine's writes lock the rows they change (``SELECT ... FOR UPDATE``) and a
  serialization failure or deadlock is retried by :meth:`Database.write_retrying`.
"""

from __future__ import annotations

import math
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot.settings import settings

T = TypeVar("T")

#: The key, in every session's ``info``, of the database's holder: one dict per :class:`Database`, shared by all
#: its sessions and never by two databases, where the layers above keep what they cache for this database (the
#: quiz engine its prepared statements and question pools). The database does not look inside.
SHARED = "bot.db.shared"


def default_path() -> Path:
    """The SQLite file used when no URL is given: ``antifraud.db`` in the settings' ``var_dir``."""
    return settings().sqlite_path


def database_url(url: str | URL | None = None) -> URL:
    """``url``, else the settings' ``DATABASE_URL``, else the default SQLite file; ``postgres(ql)://`` gets the
    psycopg driver."""
    raw = url if url is not None else settings().database_url or f"sqlite:///{default_path()}"
    u = make_url(raw)
    if u.drivername in ("postgres", "postgresql"):
        u = u.set(drivername="postgresql+psycopg")
    return u


def redacted(url: URL) -> str:
    return url.render_as_string(hide_password=True)


class Database:
    """An engine, its session factory and the holder its sessions share (``session.info[SHARED]``)."""

    def __init__(self, url: str | URL | None = None, *, echo: bool = False) -> None:
        self.url = database_url(url)
        self.engine: Engine = _make_engine(self.url, echo=echo)
        self.shared: dict[str, Any] = {}
        self.sessions = sessionmaker(self.engine, expire_on_commit=False, info={SHARED: self.shared})

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    def __repr__(self) -> str:
        return f"Database({redacted(self.url)!r})"

    def session(self) -> Session:
        return self.sessions()

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session in a transaction that is rolled back at the end (nothing is written)."""
        with self.sessions() as session, session.begin():
            yield session
            session.rollback()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session in a write transaction, committed at the end (rolled back on an exception)."""
        with self.sessions() as session, session.begin():
            if self.is_sqlite:
                session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
            yield session

    def write_retrying(self, work: Callable[[Session], T], attempts: int = 8) -> T:
        """Run ``work`` in :meth:`write`, again after a serialization failure, deadlock or lock timeout."""
        for attempt in range(attempts):
            try:
                with self.write() as session:
                    return work(session)
            except (OperationalError, DBAPIError) as error:
                if attempt == attempts - 1 or not _retryable(error):
                    raise
                time.sleep(min(0.5, 0.01 * 2**attempt))
        raise AssertionError("unreachable")

    def migrate(self) -> None:
        """Bring the schema up to date (Alembic ``upgrade head``); quick when it already is."""
        from bot.db.migrate import upgrade

        upgrade(self.engine)

    def table_names(self) -> list[str]:
        return inspect(self.engine).get_table_names()

    def dispose(self) -> None:
        self.engine.dispose()


def _retryable(error: DBAPIError) -> bool:
    code = getattr(getattr(error, "orig", None), "sqlstate", None)
    if code in ("40001", "40P01", "55P03"):  # serialization failure, deadlock, lock not available
        return True
    return "database is locked" in str(error.orig)


def _make_engine(url: URL, *, echo: bool) -> Engine:
    if url.get_backend_name() != "sqlite":
        return create_engine(url, echo=echo, pool_size=10, max_overflow=40, pool_pre_ping=True)
    database = url.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, echo=echo, connect_args={"timeout": 30, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (below)
        cursor = dbapi_connection.cursor()
        if database not in ("", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        try:  # the quiz engine computes recall with pow() and floor(); SQLite builds without them get Python's
            cursor.execute("SELECT pow(2, 0.5), floor(1.5)")
        except sqlite3.OperationalError:
            dbapi_connection.create_function("pow", 2, math.pow, deterministic=True)
            dbapi_connection.create_function("floor", 1, math.floor, deterministic=True)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "")
        connection.exec_driver_sql(f"BEGIN {mode}".strip())

    return engine
