"""The life of a live session: lobby -> question -> reveal -> question ... -> ended, with pause and resume.

Every step is safe when two workers (the teacher's button and the ticker, or two processes) take it at once:
- ``start_session``: one running session per class (``running_class_id`` under a unique constraint);
- ``open_next``, ``pause``, ``resume``, ``end``: the session row is locked (``SELECT ... FOR UPDATE``) and its phase
  checked, so the second caller sees the first one's result (``question_open``, ``session_ended``, ...);
- ``close_question``: a conditional ``UPDATE ... WHERE closed_at IS NULL``: only the caller whose update changed
  the row (rowcount 1) gets the :class:`Reveal`; the others get None.
Lock order everywhere: a question row before its session row (see ``answers``).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.classroom.answers import leaderboard, reveal
from bot.classroom.choice import choose_questions
from bot.classroom.common import check_teacher, class_row, session_info, session_row
from bot.classroom.records import (
    ClassroomError,
    Delivery,
    OpenQuestion,
    Phase,
    Reveal,
    SessionInfo,
    SessionOptions,
    Standing,
)
from bot.db.models import ClassMember, ClassSession, SessionAnswer, SessionQuestion
from bot.quiz.engine import engine_cache, table


def start_session(
    s: Session, class_id: int, teacher_id: int, options: SessionOptions, *, now: datetime, seed: int
) -> SessionInfo:
    """A new session in the lobby, its questions chosen and stored now (``bot.classroom.choice``)."""
    classroom = class_row(s, class_id)
    check_teacher(classroom, teacher_id)
    if options.delivery == Delivery.GROUP and classroom.group_chat_id is None:
        raise ClassroomError.one("no_group")
    if s.scalar(select(ClassSession.id).where(ClassSession.running_class_id == class_id)) is not None:
        raise ClassroomError.one("session_running")
    question_ids, selection = choose_questions(s, classroom, options, now=now, seed=seed)
    row = ClassSession(
        class_id=class_id,
        running_class_id=class_id,
        mode=options.mode.value,
        delivery=options.delivery.value,
        lang=classroom.lang,
        seconds=options.seconds,
        size=len(question_ids),
        show_leaderboard=options.show_leaderboard,
        selection=selection,
        state=Phase.LOBBY.value,
        projector_token=secrets.token_urlsafe(24),
        version=1,
        created_at=now,
        updated_at=now,
    )
    try:
        with s.begin_nested():
            s.add(row)
            s.flush()
    except IntegrityError:  # started concurrently by another request
        raise ClassroomError.one("session_running") from None
    s.add_all(SessionQuestion(session_id=row.id, position=i, question_id=q) for i, q in enumerate(question_ids))
    s.flush()
    return session_info(row, classroom)


def running_session(s: Session, class_id: int) -> SessionInfo | None:
    row = s.scalar(select(ClassSession).where(ClassSession.running_class_id == class_id))
    return session_info(row, class_row(s, class_id)) if row else None


def get_session(s: Session, session_id: int) -> SessionInfo:
    row = session_row(s, session_id)
    return session_info(row, class_row(s, row.class_id))


def session_by_token(s: Session, projector_token: str) -> SessionInfo:
    row = s.scalar(select(ClassSession).where(ClassSession.projector_token == projector_token))
    if row is None:
        raise ClassroomError.one("unknown_session")
    return session_info(row, class_row(s, row.class_id))


def _open_question(s: Session, row: ClassSession, item: SessionQuestion) -> OpenQuestion:
    assert item.opened_at is not None and item.closes_at is not None
    question = engine_cache(s).question(s.connection(), item.question_id)
    return OpenQuestion(
        session_info(row, class_row(s, row.class_id)), item.position, question, item.opened_at, item.closes_at
    )


def _finish(row: ClassSession, now: datetime) -> None:
    row.state, row.running_class_id, row.ended_at = Phase.ENDED.value, None, now
    row.paused_from, row.paused_ms = None, None
    row.version += 1
    row.updated_at = now


def _advance(s: Session, row: ClassSession, now: datetime) -> OpenQuestion | None:
    """Open the question after the current one (the session row is locked and not in a question)."""
    position = 0 if row.position is None else row.position + 1
    item = s.get(SessionQuestion, (row.id, position), populate_existing=True)
    if item is None:
        _finish(row, now)
        return None
    item.opened_at, item.closes_at = now, now + timedelta(seconds=row.seconds)
    row.state, row.position = Phase.QUESTION.value, position
    row.started_at = row.started_at or now
    row.version += 1
    row.updated_at = now
    s.flush()
    return _open_question(s, row, item)


def _check_movable(row: ClassSession) -> None:
    if row.state == Phase.ENDED:
        raise ClassroomError.one("session_ended")
    if row.state == Phase.PAUSED:
        raise ClassroomError.one("paused")


def open_next(
    s: Session, session_id: int, teacher_id: int | None, *, now: datetime, after: int | None = None
) -> OpenQuestion | None:
    """From the lobby or a reveal: open the next question now (closes at now + seconds); None when there is none
    (the session is then ended). A question still open: ``question_open`` (close or skip it first); the second of
    two racing callers gets it too, so a question is never opened twice. ``after``: the position the caller saw
    (-1: the lobby), e.g. the ticker that closed it: if the session has moved on since, ``moved_on`` and nothing
    changes (a reveal the teacher reached by hand keeps its time)."""
    row = session_row(s, session_id, lock=True)
    check_teacher(class_row(s, row.class_id), teacher_id)
    _check_movable(row)
    if after is not None and (-1 if row.position is None else row.position) != after:
        raise ClassroomError.one("moved_on")
    if row.state == Phase.QUESTION:
        raise ClassroomError.one("question_open")
    return _advance(s, row, now)


def current_question(s: Session, session_id: int) -> OpenQuestion | None:
    """The question open now (None in the lobby, a reveal, a pause or at the end)."""
    row = session_row(s, session_id)
    if row.state != Phase.QUESTION or row.position is None:
        return None
    item = s.get(SessionQuestion, (row.id, row.position))
    return _open_question(s, row, item) if item is not None and item.closed_at is None else None


def _close_row(s: Session, session_id: int, position: int, now: datetime, *, skip: bool = False) -> bool:
    """The conditional update that closes a question: True only for the caller that closed it."""
    sq = table(SessionQuestion)
    values: dict[str, object] = {"closed_at": now}
    if skip:
        values["skipped"] = True
    result = s.connection().execute(
        update(sq)
        .where(
            sq.c.session_id == session_id,
            sq.c.position == position,
            sq.c.closed_at.is_(None),
            sq.c.opened_at.is_not(None),
        )
        .values(**values)
    )
    return result.rowcount == 1


def close_question(s: Session, session_id: int, position: int, *, now: datetime) -> Reveal | None:
    """Close the question (time is up, everyone answered, or the teacher ends it early) and reveal it. Idempotent:
    only the caller that actually closes it gets the :class:`Reveal`; others (and a second call) get None."""
    if not _close_row(s, session_id, position, now):
        return None
    row = session_row(s, session_id, lock=True)
    if row.position == position:
        if row.state == Phase.QUESTION:
            row.state = Phase.REVEAL.value
        elif row.state == Phase.PAUSED and row.paused_from == Phase.QUESTION:
            row.paused_from, row.paused_ms = Phase.REVEAL.value, None
    row.version += 1
    row.updated_at = now
    s.flush()
    item = s.get(SessionQuestion, (session_id, position))
    assert item is not None
    question = engine_cache(s).question(s.connection(), item.question_id)
    return reveal(s, session_id, position, question, class_id=row.class_id, show_top=row.show_leaderboard)


def due(s: Session, *, now: datetime) -> list[tuple[int, int]]:
    """(session, position) of the open questions whose time is up or that every member has answered (not paused):
    the ticker closes them."""
    sq, cs, sa, cm = table(SessionQuestion), table(ClassSession), table(SessionAnswer), table(ClassMember)
    answered = (
        select(func.count())
        .select_from(sa)
        .where(sa.c.session_id == sq.c.session_id, sa.c.position == sq.c.position)
        .scalar_subquery()
    )
    members = (
        select(func.count())
        .select_from(cm)
        .where(cm.c.class_id == cs.c.class_id, cm.c.removed_at.is_(None))
        .scalar_subquery()
    )
    rows = s.execute(
        select(sq.c.session_id, sq.c.position)
        .join(cs, cs.c.id == sq.c.session_id)
        .where(
            sq.c.closed_at.is_(None),
            sq.c.opened_at.is_not(None),
            cs.c.state == Phase.QUESTION.value,
            or_(sq.c.closes_at <= now, and_(members > 0, answered >= members)),
        )
        .order_by(sq.c.closes_at, sq.c.session_id)
    ).all()
    return [(int(session_id), int(position)) for session_id, position in rows]


def skip(
    s: Session, session_id: int, teacher_id: int | None, *, now: datetime, position: int | None = None
) -> OpenQuestion | None:
    """The current question scores nothing (its answers are dropped from the session; they stay practice in the
    quiz engine) and the next one opens; from the lobby or a reveal, the same as :func:`open_next`. ``position``:
    the question the teacher meant (a button carries it): if the session has moved on, ``moved_on`` and nothing
    changes, so a button pressed twice skips once."""
    peek = session_row(s, session_id)
    check_teacher(class_row(s, peek.class_id), teacher_id)
    if position is not None and peek.position != position:
        raise ClassroomError.one("moved_on")
    in_question = peek.state == Phase.QUESTION or (peek.state == Phase.PAUSED and peek.paused_from == Phase.QUESTION)
    if in_question and peek.position is not None:
        current = peek.position
        if _close_row(s, session_id, current, now, skip=True):
            s.execute(
                delete(SessionAnswer).where(SessionAnswer.session_id == session_id, SessionAnswer.position == current)
            )
    row = session_row(s, session_id, lock=True)
    if position is not None and row.position != position:  # another worker moved it on meanwhile
        raise ClassroomError.one("moved_on")
    if row.state == Phase.ENDED:
        raise ClassroomError.one("session_ended")
    if row.state == Phase.PAUSED:
        row.state, row.paused_from, row.paused_ms = Phase.REVEAL.value, None, None
    elif row.state == Phase.QUESTION:
        item = s.get(SessionQuestion, (row.id, row.position), populate_existing=True)
        if item is not None and item.closed_at is None:  # opened after we looked: leave it to the teacher
            raise ClassroomError.one("question_open")
    return _advance(s, row, now)


def pause(s: Session, session_id: int, teacher_id: int, *, now: datetime) -> SessionInfo:
    """Pause a question (its remaining time is kept) or a reveal."""
    row = session_row(s, session_id, lock=True)
    classroom = class_row(s, row.class_id)
    check_teacher(classroom, teacher_id)
    if row.state not in (Phase.QUESTION, Phase.REVEAL):
        raise ClassroomError.one("cannot_pause")
    if row.state == Phase.QUESTION:
        item = s.get(SessionQuestion, (row.id, row.position))
        assert item is not None and item.closes_at is not None
        row.paused_ms = max(0, int((item.closes_at - now).total_seconds() * 1000))
    row.paused_from, row.state = row.state, Phase.PAUSED.value
    row.version += 1
    row.updated_at = now
    s.flush()
    return session_info(row, classroom)


def resume(s: Session, session_id: int, teacher_id: int, *, now: datetime) -> SessionInfo:
    """Back to where the pause was; a question closes its remaining time from now (closes_at moved by the pause)."""
    peek = session_row(s, session_id)
    classroom = class_row(s, peek.class_id)
    check_teacher(classroom, teacher_id)
    if peek.state != Phase.PAUSED:
        raise ClassroomError.one("not_paused")
    if peek.paused_from == Phase.QUESTION and peek.paused_ms is not None:
        sq = table(SessionQuestion)
        s.connection().execute(
            update(sq)
            .where(sq.c.session_id == session_id, sq.c.position == peek.position, sq.c.closed_at.is_(None))
            .values(closes_at=now + timedelta(milliseconds=peek.paused_ms))
        )
    row = session_row(s, session_id, lock=True)
    if row.state != Phase.PAUSED:
        raise ClassroomError.one("not_paused")
    row.state, row.paused_from, row.paused_ms = row.paused_from or Phase.REVEAL.value, None, None
    row.version += 1
    row.updated_at = now
    s.flush()
    return session_info(row, classroom)


def end(s: Session, session_id: int, teacher_id: int | None, *, now: datetime) -> tuple[Standing, ...]:
    """End the session (an open question closes and counts what it has) and return the final standings (the
    podium: the first 3). Ending an ended session returns its standings."""
    peek = session_row(s, session_id)
    check_teacher(class_row(s, peek.class_id), teacher_id)
    if peek.state != Phase.ENDED:
        sq = table(SessionQuestion)
        s.connection().execute(
            update(sq)
            .where(sq.c.session_id == session_id, sq.c.closed_at.is_(None), sq.c.opened_at.is_not(None))
            .values(closed_at=now)
        )
        row = session_row(s, session_id, lock=True)
        if row.state != Phase.ENDED:
            _finish(row, now)
            s.flush()
    return leaderboard(s, session_id, peek.class_id)
