"""Learners, keyed by channel and external id (the terminal user name, the Rasa conversation id, the Telegram
user id), and their audiences."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db.models import Channel, Learner, LearnerAudience
from bot.quiz.engine.cache import engine_cache
from bot.quiz.engine.common import dialect_insert, table
from bot.quiz.model import Audience


def get_learner(session: Session, channel: Channel | str, external_id: str) -> Learner | None:
    return session.scalar(
        select(Learner).where(Learner.channel == Channel(channel), Learner.external_id == str(external_id))
    )


def ensure_learner(
    session: Session,
    channel: Channel | str,
    external_id: str,
    *,
    now: datetime,
    lang: str | None = None,
    audiences: Iterable[Audience | str] | None = None,
) -> Learner:
    """The learner with this channel and external id, created if new; ``lang``/``audiences`` update the profile."""
    learner = get_learner(session, channel, external_id)
    if learner is None:
        learner = Learner(channel=Channel(channel), external_id=str(external_id), lang=lang or "zh", created_at=now)
        try:
            with session.begin_nested():
                session.add(learner)
                session.flush()
        except IntegrityError:  # created concurrently by another request
            learner = get_learner(session, channel, external_id)
            assert learner is not None
    if lang is not None:
        learner.lang = lang
    if audiences is not None:
        set_audiences(session, learner, audiences)
    return learner


class _Statements:
    """The answer path's learner look-up, built once per database (see ``bot.quiz.engine.cache``)."""

    def __init__(self, dialect: str) -> None:
        insert = dialect_insert(dialect)
        learners = table(Learner)
        self.learner_id = select(learners.c.id).where(
            learners.c.channel == bindparam("b_channel"), learners.c.external_id == bindparam("b_external")
        )
        self.insert_learner = (
            insert(learners).on_conflict_do_nothing(index_elements=["channel", "external_id"]).returning(learners.c.id)
        )


def learner_id(session: Session, channel: Channel | str, external_id: str, *, now: datetime, lang: str = "zh") -> int:
    """The id of the learner with this channel and external id, created if new: the answer path's light version
    of :func:`ensure_learner` (cached Core statements, no ORM objects)."""
    sql = engine_cache(session).built(_Statements, session)
    connection = session.connection()
    key = {"b_channel": Channel(channel).value, "b_external": str(external_id)}
    found = connection.execute(sql.learner_id, key).scalar()
    if found is None:
        found = connection.execute(
            sql.insert_learner,
            {
                "channel": key["b_channel"],
                "external_id": key["b_external"],
                "lang": lang,
                "created_at": now,
            },
        ).scalar()
        if found is None:  # created concurrently
            found = connection.execute(sql.learner_id, key).scalar_one()
    return int(found)


def set_audiences(session: Session, learner: Learner, audiences: Iterable[Audience | str]) -> None:
    wanted = sorted({Audience(a).value for a in audiences})
    if [a.audience for a in learner.audiences] != wanted:
        learner.audiences = [LearnerAudience(audience=a) for a in wanted]
        session.flush()


def learner_audiences(learner: Learner) -> list[str]:
    return [a.audience for a in learner.audiences]
