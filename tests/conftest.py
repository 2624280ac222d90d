"""Shared fixtures. The stack fixtures run the real thing: the trained Rasa model in a Rasa server and our action
server, as child processes on 127.0.0.1 (``bot.runtime``); nothing of ours is mocked."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bot import runtime
from bot.db import Database
from bot.settings import settings

#: The PostgreSQL server the tests use (scripts/postgres.sh installs and starts it); each test gets a fresh database.
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    """The settings are read once per process and cached: a test that changes the environment (monkeypatch.setenv)
    sees its own values, and the next test sees the environment restored."""
    settings.cache_clear()
    yield
    settings.cache_clear()


@pytest.fixture(scope="session")
def model() -> Path:
    return runtime.train(echo=lambda _: None)


@pytest.fixture(scope="session")
def stack(model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[runtime.Stack]:
    state = tmp_path_factory.mktemp("rasa")
    quiz_db = f"sqlite:///{state / 'quiz.db'}"
    with runtime.start_stack(model, tracker_db=state / "tracker.db", database_url=quiz_db) as running:
        yield running


@dataclass
class Conversation:
    """One user talking to the bot through the REST channel, as a chat client would."""

    stack: runtime.Stack
    sender: str = field(default_factory=runtime.Stack.new_sender)
    last: list[dict[str, Any]] = field(default_factory=list)

    def say(self, text: str) -> list[dict[str, Any]]:
        self.last = self.stack.send(self.sender, text)
        return self.last

    @property
    def texts(self) -> list[str]:
        return [str(m.get("text") or "") for m in self.last]

    @property
    def text(self) -> str:
        return "\n\n".join(self.texts)

    @property
    def buttons(self) -> list[dict[str, Any]]:
        return [b for m in self.last for b in (m.get("buttons") or [])]

    def slots(self) -> dict[str, Any]:
        return dict(self.stack.tracker(self.sender).get("slots") or {})


@pytest.fixture
def conversation(stack: runtime.Stack) -> Conversation:
    return Conversation(stack)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # The stack tests share one server per session; run the cheap unit tests first so a broken basic fails fast.
    items.sort(key=lambda item: "stack" in item.keywords)


# --------------------------------------------------------------------------------------------------------------
# Databases: a fresh one per test, on SQLite (a file) and on the real PostgreSQL server.


def _postgres_admin():  # type: ignore[no-untyped-def]
    import sqlalchemy

    engine = sqlalchemy.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except sqlalchemy.exc.OperationalError as error:
        engine.dispose()
        message = f"PostgreSQL is not reachable at {POSTGRES_URL}: {str(error).splitlines()[0]}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + " (CI=true: the PostgreSQL tests must run; scripts/postgres.sh starts the server)")
        pytest.skip(message)
    return engine


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database, dropped after the test."""
    from sqlalchemy.engine import make_url

    admin = _postgres_admin()
    name = f"antifraud_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'antifraud.db'}"


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest) -> str:
    return request.getfixturevalue(f"{request.param}_url")


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    """A migrated, empty database (each backend in turn)."""
    db = Database(database_url)
    db.migrate()
    yield db
    db.dispose()


@pytest.fixture
def sqlite_db(sqlite_url: str) -> Iterator[Database]:
    db = Database(sqlite_url)
    db.migrate()
    yield db
    db.dispose()


# --------------------------------------------------------------------------------------------------------------
# Redis: the scaled-out layout's lock store (bot/layout.py); scripts/redis.sh starts it where missing.

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The Redis server's URL; started with scripts/redis.sh when it does not answer (skip, or fail under CI=true)."""
    import subprocess

    from bot.layout import check_redis
    from bot.runtime import ROOT, RuntimeProblem

    try:
        check_redis(REDIS_URL)
    except RuntimeProblem:
        subprocess.run(["bash", str(ROOT / "scripts" / "redis.sh")], check=False)
        try:
            check_redis(REDIS_URL)
        except RuntimeProblem as problem:
            if os.environ.get("CI", "").lower() == "true":
                pytest.fail(f"{problem} (CI=true: the layout tests must run; scripts/redis.sh starts the server)")
            pytest.skip(str(problem))
    return REDIS_URL


@pytest.fixture(scope="module")
def tracker_url() -> Iterator[str]:
    """A PostgreSQL database name for one layout's tracker store (the layout creates it), dropped afterwards."""
    from sqlalchemy.engine import make_url

    admin = _postgres_admin()
    name = f"antifraud_tracker_test_{uuid.uuid4().hex[:12]}"
    try:
        yield make_url(POSTGRES_URL).set(drivername="postgresql", database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
