"""What the Telegram front end keeps in the database (the poll → question map, the update ids handled) and reads
from it (a learner's language)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db.models import Channel, Learner, TelegramPoll, TelegramUpdate


def first_time(session: Session, update_id: int, now: datetime) -> bool:
    """Record the update id; False if it was handled before (a replay)."""
    if session.get(TelegramUpdate, update_id) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(TelegramUpdate(update_id=update_id, received_at=now))
            session.flush()
    except IntegrityError:
        return False
    return True


def save_poll(session: Session, poll: TelegramPoll) -> None:
    session.add(poll)
    session.flush()


@dataclass(frozen=True)
class PollInfo:
    """A poll's row, detached from the session (safe to use after the transaction)."""

    poll_id: str
    chat_id: int
    question_id: str
    run_id: int | None
    position: int | None
    lang: str
    is_group: bool
    sent_at: datetime
    closed: bool


def find_poll(session: Session, poll_id: str) -> PollInfo | None:
    row = session.scalar(select(TelegramPoll).where(TelegramPoll.poll_id == poll_id))
    if row is None:
        return None
    return PollInfo(
        row.poll_id,
        row.chat_id,
        row.question_id,
        row.run_id,
        row.position,
        row.lang,
        row.is_group,
        row.sent_at,
        row.closed,
    )


def close_poll(session: Session, poll_id: str) -> None:
    session.execute(update(TelegramPoll).where(TelegramPoll.poll_id == poll_id).values(closed=True))


def learner_lang(session: Session, channel: Channel, external_id: str) -> str | None:
    """The language stored for a learner; None if there is no such learner yet. Reads only."""
    return session.scalar(select(Learner.lang).where(Learner.channel == channel, Learner.external_id == external_id))


def telegram_ids(session: Session, learner_ids: list[int]) -> dict[int, int]:
    """learner id -> Telegram user id (their private chat's id), for the learners who came by Telegram."""
    if not learner_ids:
        return {}
    rows = session.execute(
        select(Learner.id, Learner.external_id).where(Learner.channel == Channel.TELEGRAM, Learner.id.in_(learner_ids))
    )
    return {learner: int(external) for learner, external in rows if external.lstrip("-").isdigit()}
