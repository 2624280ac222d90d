"""Answers: recording one (once per idempotency key) and updating the learner's FSRS review state of the question."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, bindparam, select, update
from sqlalchemy.orm import Session

from bot.db.models import Attempt, ReviewState, RunItem
from bot.quiz import scheduling
from bot.quiz.engine.cache import engine_cache
from bot.quiz.engine.common import QuizError, dialect_insert, table
from bot.quiz.model import Question as QuestionRecord

MAX_KEY = 128


@dataclass(frozen=True)
class AnswerResult:
    attempt_id: int
    question: QuestionRecord
    chosen: tuple[int, ...]
    correct: bool
    duplicate: bool  # this idempotency key was recorded before: nothing was written now


def record_answer(
    session: Session,
    *,
    learner_id: int,
    question_id: str,
    chosen: Iterable[int],
    now: datetime,
    idempotency_key: str,
    response_ms: int | None = None,
    run_id: int | None = None,
) -> AnswerResult:
    """Store one answer and update the learner's review state, once per ``idempotency_key``.

    A second call with the same learner and key returns the first result with ``duplicate=True`` and changes
    nothing, also when the two calls race in different transactions: the attempt is inserted with
    ``ON CONFLICT DO NOTHING`` on the (learner, key) unique constraint, and the review state row is locked
    (``SELECT ... FOR UPDATE``; SQLite write transactions are exclusive anyway) before it is changed.
    """
    if not idempotency_key or len(idempotency_key) > MAX_KEY:
        raise QuizError(f"the idempotency key must be 1-{MAX_KEY} characters")
    cache = engine_cache(session)
    sql = cache.built(_Statements, session)
    connection = session.connection()
    record = cache.question(connection, question_id)
    picked = tuple(sorted({int(i) for i in chosen}))
    if not picked or any(not 0 <= i < len(record.zh.options) for i in picked):
        raise QuizError(f"answer {list(picked)} is out of range for {question_id} ({len(record.zh.options)} options)")
    if response_ms is not None and response_ms < 0:
        raise QuizError("response time is negative")
    correct = record.is_correct(picked)
    attempt_id = connection.execute(
        sql.insert_attempt,
        {
            "learner_id": learner_id,
            "question_id": question_id,
            "run_id": run_id,
            "answer": list(picked),
            "correct": correct,
            "response_ms": response_ms,
            "answered_at": now,
            "idempotency_key": idempotency_key,
        },
    ).scalar()
    if attempt_id is None:  # this key was recorded before (or just now, by a concurrent writer)
        existing = connection.execute(sql.attempt_by_key, {"b_learner": learner_id, "b_key": idempotency_key}).one()
        return AnswerResult(
            existing.id,
            cache.question(connection, existing.question_id),
            tuple(existing.answer),
            existing.correct,
            duplicate=True,
        )
    _update_review(connection, sql, learner_id, question_id, record.scam_type.value, correct, response_ms, now)
    if run_id is not None:
        connection.execute(sql.mark_answered, {"b_run": run_id, "b_question": question_id})
    return AnswerResult(attempt_id, record, picked, correct, duplicate=False)


class _Statements:
    """The answer path's statements, built once per database (``bot.quiz.engine.cache``) and executed with
    parameters on the session's connection: recording an answer is a handful of cached, compiled statements (see
    bench/quiz_answers.py)."""

    def __init__(self, dialect: str) -> None:
        insert = dialect_insert(dialect)
        a, rs, item = table(Attempt), table(ReviewState), table(RunItem)
        self.insert_attempt = (
            insert(a).on_conflict_do_nothing(index_elements=["learner_id", "idempotency_key"]).returning(a.c.id)
        )
        self.attempt_by_key = select(a.c.id, a.c.question_id, a.c.answer, a.c.correct).where(
            a.c.learner_id == bindparam("b_learner"), a.c.idempotency_key == bindparam("b_key")
        )
        state_key = (rs.c.learner_id == bindparam("b_learner"), rs.c.question_id == bindparam("b_question"))
        self.lock_state = (
            select(
                rs.c.state,
                rs.c.step,
                rs.c.stability,
                rs.c.difficulty,
                rs.c.due,
                rs.c.last_review,
                rs.c.reps,
                rs.c.lapses,
                rs.c.last_correct,
            )
            .where(*state_key)
            .with_for_update()
        )
        self.insert_state = (
            insert(rs).on_conflict_do_nothing(index_elements=["learner_id", "question_id"]).returning(rs.c.learner_id)
        )
        self.update_state = update(rs).where(*state_key)
        self.mark_answered = (
            update(item)
            .where(item.c.run_id == bindparam("b_run"), item.c.question_id == bindparam("b_question"))
            .values(answered=True)
        )


def _update_review(
    connection: Connection,
    sql: _Statements,
    learner_id: int,
    question_id: str,
    scam_type: str,
    correct: bool,
    response_ms: int | None,
    now: datetime,
) -> None:
    # Most answers are a learner's first to a question: try to create the row, reviewed once, in one statement.
    card = scheduling.review(scheduling.new_card(now), correct, response_ms, now)
    inserted = connection.execute(
        sql.insert_state,
        {
            "learner_id": learner_id,
            "question_id": question_id,
            "scam_type": scam_type,
            "reps": 1,
            "lapses": 0,
            "last_correct": correct,
            **_card_values(card),
        },
    ).first()
    if inserted is not None:
        return
    # It exists (or a concurrent writer just created it): lock it, review its card, write it back.
    key = {"b_learner": learner_id, "b_question": question_id}
    row = connection.execute(sql.lock_state, key).one()
    state, step, stability, difficulty, due, last_review, reps, lapses, last_correct = row
    card = scheduling.Card(
        card_id=1,
        state=scheduling.State(state),
        step=step,
        stability=stability,
        difficulty=difficulty,
        due=due,
        last_review=last_review,
    )
    card = scheduling.review(card, correct, response_ms, now)
    connection.execute(
        sql.update_state,
        {
            **key,
            "reps": reps + 1,
            "lapses": lapses + int(bool(last_correct) and not correct),
            "last_correct": correct,
            **_card_values(card),
        },
    )


def _card_values(card: scheduling.Card) -> dict:
    return {
        "state": int(card.state),
        "step": card.step,
        "stability": card.stability,
        "difficulty": card.difficulty,
        "due": card.due,
        "last_review": card.last_review,
        "last_review_day": scheduling.day_number(card.last_review) if card.last_review else None,
    }
