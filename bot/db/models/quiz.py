"""Learners, the question banks, quiz runs, attempts, review states (migration 0001) and the Telegram polls and
handled updates (migration 0002)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db.models.base import Base, Channel


class Learner(Base):
    __tablename__ = "learners"
    __table_args__ = (UniqueConstraint("channel", "external_id", name="uq_learners_channel_external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[Channel] = mapped_column(
        Enum(Channel, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])
    )
    external_id: Mapped[str] = mapped_column(String(128))
    lang: Mapped[str] = mapped_column(String(8), default="zh")
    created_at: Mapped[datetime]

    audiences: Mapped[list[LearnerAudience]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="LearnerAudience.audience"
    )


class LearnerAudience(Base):
    __tablename__ = "learner_audiences"

    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True)
    audience: Mapped[str] = mapped_column(String(32), primary_key=True)


class QuestionBank(Base):
    __tablename__ = "banks"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title_zh: Mapped[str] = mapped_column(Text)
    title_en: Mapped[str] = mapped_column(Text)
    path: Mapped[str] = mapped_column(Text)
    imported_at: Mapped[datetime]


class Question(Base):
    __tablename__ = "questions"
    __table_args__ = (Index("ix_questions_active_scam_type", "retired_at", "scam_type"),)

    id: Mapped[str] = mapped_column(String(96), primary_key=True)
    bank_id: Mapped[str] = mapped_column(ForeignKey("banks.id"))
    type: Mapped[str] = mapped_column(String(16))
    scam_type: Mapped[str] = mapped_column(String(32))
    #: The whole question as :meth:`bot.quiz.model.Question.to_record` gives it (both languages, answer, source).
    content: Mapped[dict[str, Any]]
    content_hash: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    retired_at: Mapped[datetime | None]

    audiences: Mapped[list[QuestionAudience]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    red_flags: Mapped[list[QuestionRedFlag]] = relationship(cascade="all, delete-orphan", lazy="selectin")


class QuestionAudience(Base):
    __tablename__ = "question_audiences"
    __table_args__ = (Index("ix_question_audiences_audience", "audience", "question_id"),)

    question_id: Mapped[str] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True)
    audience: Mapped[str] = mapped_column(String(32), primary_key=True)


class QuestionRedFlag(Base):
    __tablename__ = "question_red_flags"

    question_id: Mapped[str] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True)
    red_flag: Mapped[str] = mapped_column(String(64), primary_key=True)


class QuizRun(Base):
    __tablename__ = "quiz_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), index=True)
    lang: Mapped[str] = mapped_column(String(8))
    seed: Mapped[int] = mapped_column(Integer)
    #: Only this scam type (None: the engine chooses).
    focus: Mapped[str | None] = mapped_column(String(32))
    #: Planned number of questions (None: open-ended).
    size: Mapped[int | None]
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]

    items: Mapped[list[RunItem]] = relationship(
        cascade="all, delete-orphan", order_by="RunItem.position", lazy="selectin"
    )


class RunItem(Base):
    __tablename__ = "run_items"
    __table_args__ = (UniqueConstraint("run_id", "question_id", name="uq_run_items_run_id_question_id"),)

    run_id: Mapped[int] = mapped_column(ForeignKey("quiz_runs.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_id: Mapped[str] = mapped_column(ForeignKey("questions.id"))
    served_at: Mapped[datetime]
    #: Why the engine chose it: "due" (review), "new", "weak" (seen, lowest recall) or "focus".
    reason: Mapped[str] = mapped_column(String(16))
    answered: Mapped[bool] = mapped_column(Boolean, default=False)


class Attempt(Base):
    __tablename__ = "attempts"
    __table_args__ = (
        UniqueConstraint("learner_id", "idempotency_key", name="uq_attempts_learner_id_idempotency_key"),
        Index("ix_attempts_learner_id_answered_at", "learner_id", "answered_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(ForeignKey("questions.id"), index=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("quiz_runs.id", ondelete="SET NULL"))
    answer: Mapped[list[int]]
    correct: Mapped[bool] = mapped_column(Boolean)
    response_ms: Mapped[int | None]
    answered_at: Mapped[datetime]
    idempotency_key: Mapped[str] = mapped_column(String(128))


class ReviewState(Base):
    __tablename__ = "review_states"
    __table_args__ = (
        Index("ix_review_states_learner_id_due", "learner_id", "due"),
        # Covers mastery per type (one index-only aggregate) and "which questions of this type were answered".
        Index(
            "ix_review_states_mastery",
            "learner_id",
            "scam_type",
            "last_correct",
            "stability",
            "last_review_day",
            "question_id",
        ),
    )

    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True)
    question_id: Mapped[str] = mapped_column(ForeignKey("questions.id"), primary_key=True)
    #: The question's scam type, copied here (kept in step by the import) so that mastery per type is one
    #: aggregate over the learner's rows, without a join.
    scam_type: Mapped[str] = mapped_column(String(32))
    # The FSRS card (fsrs.Card fields).
    state: Mapped[int] = mapped_column(Integer)
    step: Mapped[int | None]
    stability: Mapped[float | None] = mapped_column(Float)
    difficulty: Mapped[float | None] = mapped_column(Float)
    due: Mapped[datetime]
    last_review: Mapped[datetime | None]
    #: ``last_review`` as days since 1970-01-01 UTC (a float): recall is computed from it in SQL, on any backend.
    last_review_day: Mapped[float | None] = mapped_column(Float)
    # Counters the reports use.
    reps: Mapped[int] = mapped_column(Integer, default=0)
    lapses: Mapped[int] = mapped_column(Integer, default=0)
    last_correct: Mapped[bool] = mapped_column(Boolean)


# ------------------------------------------------------------------------------------------------------------
# Telegram (migration 0002)


class TelegramPoll(Base):
    """A quiz poll sent on Telegram and the question it carries: answers that arrive after a restart still find
    their question. ``run_id``/``position`` are set in private chats (the learner's round); a group poll belongs
    to the group's round and is answered by its members, each for themselves."""

    __tablename__ = "telegram_polls"

    poll_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(BigInteger)
    question_id: Mapped[str] = mapped_column(ForeignKey("questions.id"))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("quiz_runs.id", ondelete="SET NULL"))
    position: Mapped[int | None]
    lang: Mapped[str] = mapped_column(String(8))
    is_group: Mapped[bool] = mapped_column(Boolean, default=False)
    sent_at: Mapped[datetime]
    closed: Mapped[bool] = mapped_column(Boolean, default=False)


class TelegramUpdate(Base):
    """Update ids already handled: a replayed update (same id) changes nothing."""

    __tablename__ = "telegram_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    received_at: Mapped[datetime]
