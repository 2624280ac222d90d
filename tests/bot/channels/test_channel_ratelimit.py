"""Rate limits in the database (SQLite and PostgreSQL): fixed windows, the limit exact under several workers at
once, windows that ended pruned."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
from sqlalchemy import func, select

from bot.channels.ratelimit import RateLimiter, count, hit, prune, window_of
from bot.db import Database
from bot.db.models import RateCounter
from tests.racing import at_once

NOW = datetime(2026, 12, 3, 10, 0, 5, tzinfo=UTC)  # 5 s into a minute


def rows(db: Database) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count()).select_from(RateCounter)) or 0)


def test_the_limit_holds_in_a_window_and_resets_in_the_next(database: Database) -> None:
    results = [database.write_retrying(lambda s: hit(s, "web:session:a:60", 3, 60, NOW)) for _ in range(5)]
    assert results == [True, True, True, False, False]
    assert database.write_retrying(lambda s: hit(s, "web:session:b:60", 3, 60, NOW))  # another key
    later = NOW + timedelta(seconds=55)  # the next minute
    assert database.write_retrying(lambda s: hit(s, "web:session:a:60", 3, 60, later))


def test_workers_at_once_count_every_hit(database_url: str) -> None:
    workers = [Database(database_url) for _ in range(6)]
    try:
        workers[0].migrate()
        jobs = [partial(w.write_retrying, lambda s: hit(s, "ip:1", 10, 60, NOW)) for w in workers for _ in range(4)]
        results, errors = at_once(jobs)
        with workers[0].read() as s:
            final = s.scalar(select(RateCounter.count).where(RateCounter.key == "ip:1"))
    finally:
        for w in workers:
            w.dispose()
    assert errors == []
    assert final == 24 and results.count(True) == 10


def test_windows_that_ended_are_pruned(database: Database) -> None:
    for key in ("a", "b", "c"):
        database.write_retrying(partial(count, key=key, window_seconds=60, now=NOW))
    database.write_retrying(lambda s: count(s, "long", 3600, NOW))
    assert rows(database) == 4
    # The first hit of a new window prunes every window that ended: the minute ones, not the hour.
    database.write_retrying(lambda s: count(s, "a", 60, NOW + timedelta(minutes=1)))
    assert rows(database) == 2
    assert database.write_retrying(lambda s: prune(s, NOW + timedelta(hours=2))) == 2


def test_async_limiter(database: Database) -> None:
    limiter = RateLimiter(database)

    async def scenario() -> list[bool]:
        return [await limiter.hit("k", 1, 10, NOW) for _ in range(2)]

    assert asyncio.run(scenario()) == [True, False]


def test_windows_are_aligned() -> None:
    assert window_of(NOW, 60) == int(NOW.timestamp()) - 5
    assert window_of(NOW, 1) == int(NOW.timestamp())


@pytest.mark.parametrize(
    ("key", "window"),
    [
        pytest.param("", 60, id="no-key"),
        pytest.param("k" * 161, 60, id="long-key"),
        pytest.param("k", 0, id="no-window"),
    ],
)
def test_bad_arguments_are_refused(sqlite_db: Database, key: str, window: int) -> None:
    with pytest.raises(ValueError, match=r"key|window"):
        sqlite_db.write_retrying(lambda s: count(s, key, window, NOW))
