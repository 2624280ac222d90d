"""Classroom quiz sessions (migration 0003): classes led by a teacher, their members, live sessions, the questions
of a session with their timing, the answers that count, the Telegram polls that carry them, and the teacher's web
login (one-time links, then a session cookie).

Rules the schema itself enforces, so that several workers can serve one class at once:
- one running session per class: ``class_sessions.running_class_id`` is the class id while the session is not
  ended and NULL afterwards, under a unique constraint (NULLs do not collide on SQLite or PostgreSQL);
- one answer per student and question, the first: the primary key of ``session_answers`` is (session, position,
  learner), so a replayed update, a changed vote or a second worker's insert of the same answer fails and is ignored;
- display names unique in a class, case-insensitively: ``class_members.name_key`` (NULL once the member is removed,
  which frees the name);
- secrets are stored hashed (login links, web sessions); the projector token is a read-only capability and is
  stored as it is so that the teacher can be sent the link again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models.base import Base


class Classroom(Base):
    __tablename__ = "classrooms"

    id: Mapped[int] = mapped_column(primary_key=True)
    teacher_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    lang: Mapped[str] = mapped_column(String(8))
    audience: Mapped[str] = mapped_column(String(32))
    #: The short code students type (``/join CODE``): unambiguous capitals and digits.
    join_code: Mapped[str] = mapped_column(String(12), unique=True)
    #: The deep-link payload (``https://t.me/<bot>?start=<join_token>``): URL-safe, unguessable.
    join_token: Mapped[str] = mapped_column(String(64), unique=True)
    #: The class's Telegram group, when bound (group mode).
    group_chat_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    created_at: Mapped[datetime]
    archived_at: Mapped[datetime | None]


class ClassMember(Base):
    __tablename__ = "class_members"
    __table_args__ = (UniqueConstraint("class_id", "name_key", name="uq_class_members_class_id_name_key"),)

    class_id: Mapped[int] = mapped_column(ForeignKey("classrooms.id", ondelete="CASCADE"), primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(20))
    #: ``display_name`` case-folded and with spaces squeezed: unique in the class; NULL once removed.
    name_key: Mapped[str | None] = mapped_column(String(20))
    joined_at: Mapped[datetime]
    removed_at: Mapped[datetime | None]


class ClassSession(Base):
    __tablename__ = "class_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classrooms.id", ondelete="CASCADE"), index=True)
    #: The class id while the session is not ended, else NULL: at most one running session per class.
    running_class_id: Mapped[int | None] = mapped_column(Integer, unique=True)
    #: ``speed`` (points for right and fast, streak bonus) or ``accuracy`` (a point per right answer).
    mode: Mapped[str] = mapped_column(String(16))
    #: ``group`` (polls in the class's Telegram group) or ``private`` (the same poll in each student's chat).
    delivery: Mapped[str] = mapped_column(String(16))
    lang: Mapped[str] = mapped_column(String(8))
    seconds: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer)
    show_leaderboard: Mapped[bool] = mapped_column(Boolean, default=True)
    #: How the questions were chosen (scam types, audience, bank, weakest), for the report.
    selection: Mapped[dict[str, Any]]
    #: ``lobby`` -> ``question`` -> ``reveal`` -> ``question`` ... -> ``ended``; ``paused`` from question or reveal.
    state: Mapped[str] = mapped_column(String(16))
    #: The current question (0-based), None in the lobby.
    position: Mapped[int | None]
    #: When paused during a question: the milliseconds it had left (restored on resume).
    paused_ms: Mapped[int | None]
    #: The state before the pause.
    paused_from: Mapped[str | None] = mapped_column(String(16))
    #: The projector page's read-only capability (secrets.token_urlsafe).
    projector_token: Mapped[str] = mapped_column(String(64), unique=True)
    #: Bumped by every change: the projector's live stream (any worker) compares it to send only what changed.
    version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]


class SessionQuestion(Base):
    __tablename__ = "session_questions"
    __table_args__ = (Index("ix_session_questions_closes_at", "closed_at", "closes_at"),)

    session_id: Mapped[int] = mapped_column(ForeignKey("class_sessions.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_id: Mapped[str] = mapped_column(ForeignKey("questions.id"))
    opened_at: Mapped[datetime | None]
    #: When it closes (moved on pause/resume); answers after it score nothing and are not counted.
    closes_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    skipped: Mapped[bool] = mapped_column(Boolean, default=False)


class SessionAnswer(Base):
    """The one answer that counts per student and question: the first (the primary key refuses a second)."""

    __tablename__ = "session_answers"

    session_id: Mapped[int] = mapped_column(ForeignKey("class_sessions.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True)
    chosen: Mapped[list[int]]
    correct: Mapped[bool] = mapped_column(Boolean)
    #: Share of the answer that is right, 0-1 (multi-select partial credit; 1 or 0 for single answers).
    credit: Mapped[float] = mapped_column(Float)
    response_ms: Mapped[int] = mapped_column(Integer)
    points: Mapped[int] = mapped_column(Integer)
    #: Consecutive fully right answers up to and including this one (the streak bonus reads it).
    streak: Mapped[int] = mapped_column(Integer)
    answered_at: Mapped[datetime]


class SessionPoll(Base):
    """A Telegram poll carrying a session's question: in the group, or in one student's private chat."""

    __tablename__ = "session_polls"
    __table_args__ = (Index("ix_session_polls_session_id_position", "session_id", "position"),)

    poll_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("class_sessions.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(BigInteger)
    #: Private mode: the student whose chat it is (None in the group).
    learner_id: Mapped[int | None] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    sent_at: Mapped[datetime]


class LoginLink(Base):
    """A one-time web login link sent in the teacher's private chat: expires, single use."""

    __tablename__ = "login_links"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class WebSession(Base):
    """A logged-in browser (the cookie holds the token; only its hash is stored)."""

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
