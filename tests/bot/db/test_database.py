"""Opening the database: URLs, the SQLite default, settings per backend, transactions owned by the caller."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.db import Database, database_url, default_path
from bot.db.models import Channel, Learner

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def test_default_is_the_sqlite_file_under_var(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("ANTIFRAUD_VAR", str(tmp_path))
    assert default_path() == tmp_path / "antifraud.db"
    assert database_url().database == str(tmp_path / "antifraud.db")
    db = Database()
    db.migrate()
    assert (tmp_path / "antifraud.db").exists()
    db.dispose()


def test_database_url_environment_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://someone@db.example:5432/quiz")
    url = database_url()
    assert url.drivername == "postgresql+psycopg"  # plain postgresql:// URLs get psycopg 3
    assert url.host == "db.example"
    assert database_url("sqlite:///x.db").drivername == "sqlite"


def test_sqlite_uses_wal_and_foreign_keys(sqlite_db: Database) -> None:
    with sqlite_db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_datetimes_come_back_aware_utc(database: Database) -> None:
    with database.write() as s:
        s.add(Learner(channel=Channel.CLI, external_id="tz", lang="en", created_at=NOW))
    with database.read() as s:
        learner = s.scalar(select(Learner).where(Learner.external_id == "tz"))
        assert learner is not None and learner.created_at == NOW and learner.created_at.tzinfo is not None


def test_naive_datetimes_are_refused(sqlite_db: Database) -> None:
    with pytest.raises(Exception, match="naive datetime"), sqlite_db.write() as s:
        s.add(Learner(channel=Channel.CLI, external_id="naive", lang="en", created_at=datetime(2026, 1, 1)))


def test_write_rolls_back_on_error(database: Database) -> None:
    with pytest.raises(RuntimeError), database.write() as s:
        s.add(Learner(channel=Channel.CLI, external_id="gone", lang="en", created_at=NOW))
        s.flush()
        raise RuntimeError("boom")
    with database.read() as s:
        assert s.scalar(select(Learner).where(Learner.external_id == "gone")) is None


def test_read_writes_nothing(database: Database) -> None:
    with database.read() as s:
        s.add(Learner(channel=Channel.CLI, external_id="ghost", lang="en", created_at=NOW))
        s.flush()
    with database.read() as s:
        assert s.scalar(select(Learner).where(Learner.external_id == "ghost")) is None


def test_repr_hides_the_password() -> None:
    db = Database("postgresql://user:secret@127.0.0.1:1/x")
    assert "secret" not in repr(db)
    db.dispose()


def test_sessions_share_their_database_holder_only(tmp_path: Path) -> None:
    from bot.db.database import SHARED

    one, two = Database(f"sqlite:///{tmp_path / 'one.db'}"), Database(f"sqlite:///{tmp_path / 'two.db'}")
    try:
        with one.read() as a, one.read() as b, two.read() as c:
            assert a.info[SHARED] is b.info[SHARED] is one.shared
            assert c.info[SHARED] is two.shared and two.shared is not one.shared
            a.info["scratch"] = 1  # a session's own info stays its own
            assert "scratch" not in b.info
    finally:
        one.dispose()
        two.dispose()
