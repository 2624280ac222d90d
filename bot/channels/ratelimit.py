"""Rate limits kept in the database, so that they hold across workers: fixed-window counters
``rate_counters(key, window_start)``.

:func:`hit` counts one event for ``key`` in the current window of ``window_seconds`` with one atomic statement
(``INSERT ... ON CONFLICT DO UPDATE SET count = count + 1 RETURNING count``) and says whether it is within
``limit``. The first hit of a window prunes the windows that have ended (of every key). Keys are the caller's:
include what is limited and the window length (``"web:session:<hash>:60"``), never a personal value in clear.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from bot.channels.store import changed, dialect_insert, writing
from bot.db import Database
from bot.db.models import RateCounter

MAX_KEY = 160


def window_of(now: datetime, window_seconds: int) -> int:
    """The start of the window ``now`` is in, in seconds since the epoch."""
    epoch = int(now.timestamp())
    return epoch - epoch % window_seconds


def count(session: Session, key: str, window_seconds: int, now: datetime) -> int:
    """Counts one hit for ``key`` in the current window; the window's count so far, this hit included."""
    if not key or len(key) > MAX_KEY:
        raise ValueError(f"a rate-limit key has 1 to {MAX_KEY} characters ({len(key)})")
    if window_seconds < 1:
        raise ValueError(f"window_seconds must be at least 1 ({window_seconds})")
    window = window_of(now, window_seconds)
    insert = dialect_insert(session)
    statement = insert(RateCounter).values(key=key, window_start=window, count=1, expires=window + window_seconds)
    statement = statement.on_conflict_do_update(
        index_elements=[RateCounter.key, RateCounter.window_start], set_={"count": RateCounter.count + 1}
    ).returning(RateCounter.count)
    counted = int(session.execute(statement).scalar_one())
    if counted == 1:
        prune(session, now)
    return counted


def hit(session: Session, key: str, limit: int, window_seconds: int, now: datetime) -> bool:
    """One more event for ``key``: True while the window's count is within ``limit``."""
    return count(session, key, window_seconds, now) <= limit


def prune(session: Session, now: datetime) -> int:
    """Drop the windows that ended before ``now``; how many."""
    ended = delete(RateCounter).where(RateCounter.expires <= int(now.timestamp()))
    return changed(session, ended)


class RateLimiter:
    """:func:`hit` on a database, from async code (its own short transaction)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def hit(self, key: str, limit: int, window_seconds: int, now: datetime) -> bool:
        return await writing(self.db, lambda session: hit(session, key, limit, window_seconds, now))
