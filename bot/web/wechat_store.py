"""wechatpy's session storage in the database (table ``wechat_tokens``), so that every worker shares one access token,
and the refresh under a lock, so that one worker fetches a new token for all, never one per request.

- :meth:`DatabaseStorage.refresh` locks the key's row (inserted first if missing; ``SELECT ... FOR UPDATE`` on
  PostgreSQL, the ``BEGIN IMMEDIATE`` write transaction on SQLite), then uses the stored token if it is still good
  for ``margin`` and is not the one the caller saw refused; else it fetches one from WeChat while it holds the lock.
  The workers that waited for the lock find the new token and use it.
- :meth:`DatabaseStorage.drop` forgets a refused token only if it is still the stored one (a compare-and-set): a
  worker that saw 40001 on an old token does not throw away the new one another worker just fetched.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from wechatpy.session import SessionStorage  # type: ignore[import-untyped]

from bot.db import Database
from bot.db.models import WeChatToken

Clock = Callable[[], datetime]
#: A token is renewed when it has less than this left (WeChat's tokens last 7,200 s; a new one keeps the old one
#: valid for 5 minutes).
MARGIN = timedelta(seconds=120)


def utcnow() -> datetime:
    return datetime.now(UTC)


class DatabaseStorage(SessionStorage):
    """Session values by key with an expiry, in ``wechat_tokens``; safe with several workers."""

    def __init__(self, db: Database, clock: Clock = utcnow) -> None:
        self.db = db
        self.clock = clock

    def _insert(self, session: Session) -> Any:
        return (postgresql if session.get_bind().dialect.name == "postgresql" else sqlite).insert(WeChatToken)

    def get(self, key: str, default: Any = None) -> Any:
        now = self.clock()
        with self.db.read() as session:
            row = session.execute(
                select(WeChatToken.value, WeChatToken.expires_at).where(WeChatToken.key == key)
            ).one_or_none()
        if row is None or row.value is None or (row.expires_at is not None and row.expires_at <= now):
            return default
        return row.value

    def current(self, key: str, margin: timedelta = MARGIN) -> str | None:
        """The stored value if it is good for ``margin`` more, else None."""
        now = self.clock()
        with self.db.read() as session:
            row = session.execute(
                select(WeChatToken.value, WeChatToken.expires_at).where(WeChatToken.key == key)
            ).one_or_none()
        if row is None or row.value is None or (row.expires_at is not None and row.expires_at - margin <= now):
            return None
        return str(row.value)

    def set(self, key: str, value: Any, ttl: int | None = None) -> None:
        now = self.clock()
        expires = now + timedelta(seconds=int(ttl)) if ttl else None

        def work(session: Session) -> None:
            insert = self._insert(session)
            statement = insert.values(key=key, value=str(value), expires_at=expires, updated_at=now)
            session.execute(
                statement.on_conflict_do_update(
                    index_elements=["key"],
                    set_={"value": statement.excluded.value, "expires_at": expires, "updated_at": now},
                )
            )

        self.db.write_retrying(work)

    def delete(self, key: str) -> None:
        with self.db.write() as session:
            session.execute(
                update(WeChatToken).where(WeChatToken.key == key).values(value=None, updated_at=self.clock())
            )

    def drop(self, key: str, value: str) -> bool:
        """Forget ``value`` if it is still the stored one (True if it was)."""
        with self.db.write() as session:
            result = session.execute(
                update(WeChatToken)
                .where(WeChatToken.key == key, WeChatToken.value == value)
                .values(value=None, updated_at=self.clock())
            )
        return bool(getattr(result, "rowcount", 0))

    def refresh(
        self, key: str, fetch: Callable[[], tuple[str, int]], *, refused: str | None = None, margin: timedelta = MARGIN
    ) -> str:
        """The token to use: the stored one if it is good for ``margin`` more and is not ``refused``; else the one
        ``fetch()`` returns (value, seconds it lasts), fetched and stored under the key's lock."""

        def work(session: Session) -> str:
            now = self.clock()
            session.execute(
                self._insert(session)
                .values(key=key, value=None, expires_at=None, updated_at=now)
                .on_conflict_do_nothing(index_elements=["key"])
            )
            row = session.execute(select(WeChatToken).where(WeChatToken.key == key).with_for_update()).scalar_one()
            if row.value and row.value != refused and (row.expires_at is None or row.expires_at - margin > now):
                return row.value
            value, seconds = fetch()
            row.value, row.expires_at, row.updated_at = value, now + timedelta(seconds=seconds), now
            return value

        return self.db.write_retrying(work)
