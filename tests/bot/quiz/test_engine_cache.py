"""The engine's cache belongs to one database: its sessions and threads share it, another database never does."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from bot.db import Database
from bot.db.models import Learner, QuizRun
from bot.quiz import engine
from bot.quiz.engine.cache import EngineCache, engine_cache
from bot.quiz.synthetic import synthetic_banks

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


@pytest.fixture
def three(sqlite_db: Database, postgres_url: str, tmp_path: Path) -> Iterator[tuple[Database, Database, Database]]:
    postgres, other = Database(postgres_url), Database(f"sqlite:///{tmp_path / 'other.db'}")
    postgres.migrate()
    other.migrate()
    yield sqlite_db, postgres, other
    postgres.dispose()
    other.dispose()


def first_questions(db: Database, bank: str) -> list[str]:
    """Import a bank of its own into ``db`` (same time, same bank count: the same bank version string as any
    other database's) and serve a learner a round from it."""
    with db.write() as s:
        engine.import_banks(s, synthetic_banks(6, seed=3, bank=bank), now=NOW)
        learner = engine.ensure_learner(s, "cli", "ann", now=NOW)
        run_id = engine.start_run(s, learner, now=NOW, seed=1, size=3).id
    served = []
    for _ in range(3):
        with db.write() as s:
            item = engine.next_question(s, s.get(QuizRun, run_id), now=NOW)
            assert item is not None
            served.append(item.question_id)
    return served


def test_one_cache_per_database(three: tuple[Database, Database, Database]) -> None:
    sqlite, postgres, other = three
    with sqlite.read() as a, sqlite.read() as b, postgres.read() as c, other.read() as d:
        assert engine_cache(a) is engine_cache(b)
        assert len({id(engine_cache(a)), id(engine_cache(c)), id(engine_cache(d))}) == 3
    # Pools and questions are cached per bank version: equal versions in two databases must not mix.
    assert all(q.startswith("lite_") for q in first_questions(sqlite, "lite"))
    assert all(q.startswith("pg_") for q in first_questions(postgres, "pg"))
    assert all(q.startswith("other_") for q in first_questions(other, "other"))
    with sqlite.read() as s:
        cache = engine_cache(s)
        assert cache.pools and cache.statements and cache.records
        assert all(qid.startswith("lite_") for qid, _hash in cache.records)


def test_a_session_without_a_database_caches_for_itself(sqlite_db: Database) -> None:
    with Session(sqlite_db.engine) as s, s.begin():
        cache = engine_cache(s)
        assert isinstance(cache, EngineCache) and engine_cache(s) is cache
        assert engine.get_learner(s, "cli", "nobody") is None
        assert engine.learner_id(s, "cli", "nobody", now=NOW) == s.get(Learner, 1).id
    with sqlite_db.read() as s:
        assert engine_cache(s) is not cache
