"""What the classroom modules share: loading a class or a session (locked when it is about to change), the
teacher check, the records built from rows, and bumping the projector's version."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from bot.classroom.records import ClassInfo, ClassroomError, Delivery, Mode, Phase, SessionInfo
from bot.db.models import ClassMember, Classroom, ClassSession, SessionAnswer, SessionQuestion
from bot.quiz.engine import table


def class_row(s: Session, class_id: int) -> Classroom:
    row = s.get(Classroom, class_id)
    if row is None:
        raise ClassroomError.one("unknown_class")
    return row


def check_teacher(classroom: Classroom, teacher_id: int | None) -> None:
    """``teacher_id`` None is the bot itself (the ticker); anyone else must be the class's teacher."""
    if teacher_id is not None and classroom.teacher_id != teacher_id:
        raise ClassroomError.one("not_teacher")


def member_count(s: Session, class_id: int) -> int:
    return int(
        s.scalar(
            select(func.count())
            .select_from(ClassMember)
            .where(ClassMember.class_id == class_id, ClassMember.removed_at.is_(None))
        )
        or 0
    )


def class_answers(class_id: int, *columns: Any) -> Select[Any]:
    """``columns`` over the class's counted answers in all its sessions, each joined to its session question: the
    base of a tally per scam type, per red flag, ... (join what it groups by, then group)."""
    return (
        select(*columns)
        .select_from(SessionAnswer)
        .join(
            SessionQuestion,
            (SessionQuestion.session_id == SessionAnswer.session_id)
            & (SessionQuestion.position == SessionAnswer.position),
        )
        .join(ClassSession, ClassSession.id == SessionAnswer.session_id)
        .where(ClassSession.class_id == class_id)
    )


def class_info(s: Session, row: Classroom) -> ClassInfo:
    return ClassInfo(
        id=row.id,
        name=row.name,
        lang=row.lang,
        audience=row.audience,
        join_code=row.join_code,
        join_token=row.join_token,
        group_chat_id=row.group_chat_id,
        members=member_count(s, row.id),
        teacher_id=row.teacher_id,
    )


def session_row(s: Session, session_id: int, *, lock: bool = False) -> ClassSession:
    """The session; ``lock``: ``SELECT ... FOR UPDATE`` (PostgreSQL; SQLite write transactions are exclusive), read
    afresh, so that two workers moving one session on do it one after the other."""
    statement = select(ClassSession).where(ClassSession.id == session_id)
    if lock:
        statement = statement.with_for_update().execution_options(populate_existing=True)
    row = s.scalar(statement)
    if row is None:
        raise ClassroomError.one("unknown_session")
    return row


def session_info(row: ClassSession, classroom: Classroom) -> SessionInfo:
    return SessionInfo(
        id=row.id,
        class_id=row.class_id,
        phase=Phase(row.state),
        position=row.position,
        size=row.size,
        seconds=row.seconds,
        mode=Mode(row.mode),
        delivery=Delivery(row.delivery),
        lang=row.lang,
        projector_token=row.projector_token,
        version=row.version,
        show_leaderboard=row.show_leaderboard,
        teacher_id=classroom.teacher_id,
        class_name=classroom.name,
        group_chat_id=classroom.group_chat_id,
    )


def bump_running(s: Session, class_id: int, now: datetime) -> None:
    """A change the projector shows in the class (a join, a rename, a removal): the running session's version."""
    sessions = table(ClassSession)
    s.connection().execute(
        update(sessions)
        .where(sessions.c.running_class_id == class_id)
        .values(version=sessions.c.version + 1, updated_at=now)
    )
