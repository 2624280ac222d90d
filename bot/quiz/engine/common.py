"""What the engine's modules share: its error, a served question, a stored question as a record, the dialect's
``INSERT``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.db.models import Question
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
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert
    raise QuizError(f"unsupported database {dialect!r}: use SQLite or PostgreSQL")  # pragma: no cover
