"""Quiz runs (rounds): starting, finishing, the open one, its waiting question, a question served earlier."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Learner, Question, QuizRun, RunItem
from bot.quiz.engine.common import QuizError, Served, question_record
from bot.shared.labels import SCAM_TYPES


def start_run(
    session: Session,
    learner: Learner,
    *,
    now: datetime,
    seed: int,
    lang: str | None = None,
    focus: str | None = None,
    size: int | None = None,
) -> QuizRun:
    if focus is not None and focus not in {t.value for t in SCAM_TYPES}:
        raise QuizError(f"unknown scam type {focus!r}")
    run = QuizRun(learner_id=learner.id, lang=lang or learner.lang, seed=seed, focus=focus, size=size, started_at=now)
    session.add(run)
    session.flush()
    return run


def finish_run(session: Session, run: QuizRun, *, now: datetime) -> None:
    if run.finished_at is None:
        run.finished_at = now
        session.flush()


def latest_open_run(session: Session, learner_id: int) -> QuizRun | None:
    return session.scalar(
        select(QuizRun)
        .where(QuizRun.learner_id == learner_id, QuizRun.finished_at.is_(None))
        .order_by(QuizRun.id.desc())
        .limit(1)
    )


def pending_item(session: Session, run: QuizRun) -> RunItem | None:
    """The last question served in the run if it has not been answered yet."""
    return session.scalar(
        select(RunItem).where(RunItem.run_id == run.id, RunItem.answered.is_(False)).order_by(RunItem.position.desc())
    )


def served_item(session: Session, run: QuizRun, position: int) -> Served | None:
    """The question served at ``position`` of ``run``, if any."""
    item = session.get(RunItem, (run.id, position))
    if item is None:
        return None
    row = session.get(Question, item.question_id)
    assert row is not None
    return Served(run.id, position, question_record(row), item.reason)
