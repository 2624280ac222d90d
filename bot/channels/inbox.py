"""Each inbound message handled once, by one worker: WeChat retries a message it got no answer to (by ``MsgId``,
or sender and time for an event) up to three times; the web chat resends by a client message id.

``channel_inbox(channel, key)``: :func:`claim` inserts the row (``ON CONFLICT DO NOTHING``): the one caller that
inserted it handles the message; :func:`finish` stores what was answered; :func:`result` tells a retry whether the
first is still running or what it answered. Engine functions take the session (the caller owns the transaction);
:class:`Inbox` runs each in its own short transaction from async code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from bot.channels.store import changed, dialect_insert, reading, writing
from bot.db import Database
from bot.db.models import ChannelInbox

MAX_KEY = 128


@dataclass(frozen=True)
class Entry:
    """An inbound message as the inbox knows it: when it came, when it was answered and with what."""

    received_at: datetime
    done_at: datetime | None
    reply: Any | None

    @property
    def done(self) -> bool:
        return self.done_at is not None


def _check(channel: str, key: str) -> None:
    problems = []
    if not channel or len(channel) > 16:
        problems.append(f"channel must have 1 to 16 characters: {channel!r}")
    if not key or len(key) > MAX_KEY:
        problems.append(f"key must have 1 to {MAX_KEY} characters ({len(key)})")
    if problems:
        raise ValueError("; ".join(problems))


def claim(session: Session, channel: str, key: str, now: datetime, *, stale_after: timedelta | None = None) -> bool:
    """True for the one caller that gets to handle this message; False for a retry. With ``stale_after``, a claim
    that was never finished and is older than that is taken over (its worker died)."""
    _check(channel, key)
    insert = dialect_insert(session)
    inserted = session.execute(
        insert(ChannelInbox)
        .values(channel=channel, key=key, received_at=now, done_at=None, reply=None)
        .on_conflict_do_nothing(index_elements=[ChannelInbox.channel, ChannelInbox.key])
        .returning(ChannelInbox.key)
    ).scalar_one_or_none()
    if inserted is not None:  # (RETURNING, not the row count: an ORM INSERT's count is not reliable)
        return True
    if stale_after is None:
        return False
    taken = changed(
        session,
        update(ChannelInbox)
        .where(
            ChannelInbox.channel == channel,
            ChannelInbox.key == key,
            ChannelInbox.done_at.is_(None),
            ChannelInbox.received_at < now - stale_after,
        )
        .values(received_at=now),
    )
    return bool(taken)


def finish(session: Session, channel: str, key: str, reply: Any, now: datetime) -> None:
    """The message was answered with ``reply`` (JSON: the channel's own shape)."""
    session.execute(
        update(ChannelInbox)
        .where(ChannelInbox.channel == channel, ChannelInbox.key == key)
        .values(done_at=now, reply=reply)
    )


def result(session: Session, channel: str, key: str) -> Entry | None:
    """The message's entry, or None if it was never claimed."""
    row = session.execute(
        select(ChannelInbox.received_at, ChannelInbox.done_at, ChannelInbox.reply).where(
            ChannelInbox.channel == channel, ChannelInbox.key == key
        )
    ).one_or_none()
    return Entry(row.received_at, row.done_at, row.reply) if row else None


def prune(session: Session, before: datetime) -> int:
    """Forget messages received before ``before`` (WeChat retries within 15 seconds); how many."""
    return changed(session, delete(ChannelInbox).where(ChannelInbox.received_at < before))


class Inbox:
    """The inbox on a database, from async code: each call its own short transaction."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def claim(self, channel: str, key: str, now: datetime, *, stale_after: timedelta | None = None) -> bool:
        return await writing(self.db, lambda session: claim(session, channel, key, now, stale_after=stale_after))

    async def finish(self, channel: str, key: str, reply: Any, now: datetime) -> None:
        await writing(self.db, lambda session: finish(session, channel, key, reply, now))

    async def result(self, channel: str, key: str) -> Entry | None:
        return await reading(self.db, lambda session: result(session, channel, key))

    async def prune(self, before: datetime) -> int:
        return await writing(self.db, lambda session: prune(session, before))
