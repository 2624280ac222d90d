"""What the projector page shows (one :class:`ProjectorView` per moment) and its version (the live stream polls it
cheaply from any worker and sends the view only when it changed); the Telegram polls that carry a session's
questions (so that an answer finds its question after a restart, and the polls can be stopped when it closes)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from bot.classroom.answers import TOP, leaderboard, reveal
from bot.classroom.common import class_row
from bot.classroom.records import ClassroomError, Mode, Phase, ProjectorView
from bot.db.models import ClassMember, ClassSession, SessionAnswer, SessionPoll, SessionQuestion
from bot.quiz.engine import dialect_insert, engine_cache, table

#: The podium: the first 3 at the end; below it, the next places up to the 10th.
PODIUM = 3
FINAL_BOARD = 10

_VERSION = select(table(ClassSession).c.version).where(table(ClassSession).c.projector_token == bindparam("b_token"))


def version(s: Session, projector_token: str) -> int:
    """The session's version (bumped by every change the projector shows): one indexed read."""
    found = s.connection().execute(_VERSION, {"b_token": projector_token}).scalar()
    if found is None:
        raise ClassroomError.one("unknown_session")
    return int(found)


def projector_view(s: Session, projector_token: str, *, now: datetime) -> ProjectorView:
    row = s.scalar(select(ClassSession).where(ClassSession.projector_token == projector_token))
    if row is None:
        raise ClassroomError.one("unknown_session")
    classroom = class_row(s, row.class_id)
    names = tuple(
        s.scalars(
            select(ClassMember.display_name)
            .where(ClassMember.class_id == row.class_id, ClassMember.removed_at.is_(None))
            .order_by(ClassMember.joined_at, ClassMember.learner_id)
        )
    )
    base = ProjectorView(
        version=row.version,
        phase=Phase(row.state),
        lang=row.lang,
        class_name=classroom.name,
        join_code=classroom.join_code,
        members=names,
        size=row.size,
        mode=Mode(row.mode),
        show_leaderboard=row.show_leaderboard,
    )
    if row.state == Phase.ENDED:
        final = leaderboard(s, row.id, row.class_id)
        return replace(base, podium=final[:PODIUM], top=final[:FINAL_BOARD] if row.show_leaderboard else ())
    if row.position is None:
        return base
    item = s.get(SessionQuestion, (row.id, row.position))
    assert item is not None
    question = engine_cache(s).question(s.connection(), item.question_id)
    content = question.content(row.lang)
    answered = (
        s.scalar(
            select(func.count())
            .select_from(SessionAnswer)
            .where(SessionAnswer.session_id == row.id, SessionAnswer.position == row.position)
        )
        or 0
    )
    showing_reveal = row.state == Phase.REVEAL or (row.state == Phase.PAUSED and row.paused_from == Phase.REVEAL)
    shown = (
        reveal(s, row.id, row.position, question, class_id=row.class_id, show_top=row.show_leaderboard)
        if showing_reveal and not item.skipped
        else None
    )
    return replace(
        base,
        position=row.position,
        prompt=content.prompt,
        options=content.options,
        closes_at=item.closes_at if row.state == Phase.QUESTION else None,
        remaining_ms=row.paused_ms if row.state == Phase.PAUSED else None,
        answered=int(answered),
        reveal=shown,
        top=shown.top[:TOP] if shown else (),
    )


# --- the Telegram polls of a session


def save_poll(
    s: Session,
    poll_id: str,
    session_id: int,
    position: int,
    chat_id: int,
    message_id: int,
    learner_id: int | None,
    *,
    now: datetime,
) -> None:
    """Remember a sent poll (once: saving it again changes nothing)."""
    polls = table(SessionPoll)
    s.connection().execute(
        dialect_insert(s.get_bind().dialect.name)(polls)
        .on_conflict_do_nothing(index_elements=["poll_id"])
        .values(
            poll_id=poll_id,
            session_id=session_id,
            position=position,
            chat_id=chat_id,
            message_id=message_id,
            learner_id=learner_id,
            sent_at=now,
        )
    )


def poll(s: Session, poll_id: str) -> tuple[int, int, int | None] | None:
    """(session, position, the student whose private chat it is or None in the group) of a poll, None if unknown."""
    row = s.execute(
        select(SessionPoll.session_id, SessionPoll.position, SessionPoll.learner_id).where(
            SessionPoll.poll_id == poll_id
        )
    ).first()
    return (int(row[0]), int(row[1]), row[2]) if row else None


def polls_for(s: Session, session_id: int, position: int) -> list[tuple[int, int]]:
    """(chat, message) of every poll of a question: what to stop when it closes."""
    rows = s.execute(
        select(SessionPoll.chat_id, SessionPoll.message_id)
        .where(SessionPoll.session_id == session_id, SessionPoll.position == position)
        .order_by(SessionPoll.chat_id)
    ).all()
    return [(int(chat), int(message)) for chat, message in rows]
