"""What the engine's modules share: its error, a served question, a stored question as a record, the dialect's
``INSERT``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite

from bot.db.models import Base, Question
from bot.quiz.model import Question as QuestionRecord
from bot.quiz.model import question_from_record


class QuizError(ValueError):
    """A request the engine cannot carry out (unknown question, answer out of range, ...)."""


@dataclass(frozen=True)
class Served:
    """A question served in a run."""

    run_id: int
    position: int  # 1-based
    question: QuestionRecord
    reason: str  # "due" | "new" | "weak"

    @property
    def question_id(self) -> str:
        return self.question.id


def question_record(row: Question) -> QuestionRecord:
    """The question of a ``questions`` row."""
    return question_from_record(row.content)


def dialect_insert(dialect: str) -> Callable[..., Any]:
    """The dialect's ``insert`` (it has ``on_conflict_do_nothing``): SQLite and PostgreSQL only."""
    if dialect == "postgresql":
        return postgresql.insert
    if dialect == "sqlite":
        return sqlite.insert
    raise QuizError(f"unsupported database {dialect!r}: use SQLite or PostgreSQL")


def table(model: type[Base]) -> Table:
    """A model's table, typed as the ``Table`` it is (the Core statements below are built on tables)."""
    return cast(Table, model.__table__)
