"""What a learner and the banks look like: mastery per scam type, a learner's report, counts of the questions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Integer, cast, func, select
from sqlalchemy.orm import Session

from bot.db.models import Attempt, Learner, Question, QuestionAudience, QuestionRedFlag
from bot.quiz.engine.cache import engine_cache
from bot.quiz.engine.learners import learner_audiences
from bot.quiz.engine.selection import mastery_by_type, pool_filter, question_pool, seen_questions
from bot.quiz.model import Audience
from bot.shared.labels import SCAM_TYPES


@dataclass(frozen=True)
class FlagScore:
    red_flag: str
    attempts: int
    correct: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.attempts if self.attempts else 0.0


@dataclass(frozen=True)
class Report:
    learner_id: int
    mastery: dict[str, float]  # every scam type of the learner's pool, weakest first
    attempts: int
    correct: int
    streak: int  # right answers in a row, up to the latest
    best_streak: int
    practice_days: int  # consecutive days with an answer, up to today (0 if none today or yesterday)
    due_now: int
    next_due: datetime | None
    weakest_red_flags: list[FlagScore] = field(default_factory=list)
    questions_seen: int = 0

    @property
    def accuracy(self) -> float:
        return self.correct / self.attempts if self.attempts else 0.0

    def to_dict(self) -> dict:
        return {
            "learner_id": self.learner_id,
            "mastery": {k: round(v, 3) for k, v in self.mastery.items()},
            "attempts": self.attempts,
            "correct": self.correct,
            "accuracy": round(self.accuracy, 3),
            "streak": self.streak,
            "best_streak": self.best_streak,
            "practice_days": self.practice_days,
            "due_now": self.due_now,
            "next_due": self.next_due.isoformat() if self.next_due else None,
            "questions_seen": self.questions_seen,
            "weakest_red_flags": [
                {"red_flag": f.red_flag, "attempts": f.attempts, "accuracy": round(f.accuracy, 3)}
                for f in self.weakest_red_flags
            ],
        }


def mastery(session: Session, learner: Learner, *, now: datetime) -> dict[str, float]:
    """Mastery per scam type of the learner's pool, weakest first (formula: ``bot.quiz.scheduling``)."""
    cache = engine_cache(session)
    available = question_pool(session, learner_audiences(learner), None, cache=cache).available
    values = mastery_by_type(session, learner.id, available, now, cache)
    return dict(sorted(values.items(), key=lambda kv: (kv[1], kv[0])))


def report(session: Session, learner: Learner, *, now: datetime, flags: int = 3) -> Report:
    cache = engine_cache(session)
    pool = pool_filter(learner_audiences(learner), None)
    available = question_pool(session, learner_audiences(learner), None, cache=cache).available
    seen = seen_questions(session, learner.id, pool, now)
    values = mastery_by_type(session, learner.id, available, now, cache)
    ordered = dict(sorted(values.items(), key=lambda kv: (kv[1], kv[0])))

    history = session.execute(
        select(Attempt.correct, Attempt.answered_at, Attempt.question_id)
        .where(Attempt.learner_id == learner.id)
        .order_by(Attempt.answered_at, Attempt.id)
    ).all()
    streak = best = run = 0
    for correct, _at, _q in history:
        run = run + 1 if correct else 0
        best = max(best, run)
    streak = run
    days = sorted({at.date() for _c, at, _q in history}, reverse=True)
    practice_days = 0
    if days and (now.date() - days[0]).days <= 1:
        practice_days = 1
        for earlier, later in zip(days[1:], days):
            if (later - earlier).days != 1:
                break
            practice_days += 1

    flag_rows = session.execute(
        select(QuestionRedFlag.red_flag, func.count(), func.sum(cast(Attempt.correct, Integer)))
        .join(Attempt, Attempt.question_id == QuestionRedFlag.question_id)
        .where(Attempt.learner_id == learner.id)
        .group_by(QuestionRedFlag.red_flag)
    ).all()
    scores = [FlagScore(flag, int(n), int(ok or 0)) for flag, n, ok in flag_rows]
    weakest = sorted((s for s in scores if s.correct < s.attempts), key=lambda s: (s.accuracy, -s.attempts, s.red_flag))

    due_now = sum(1 for s in seen if s.due <= now)
    upcoming = [s.due for s in seen if s.due > now]
    return Report(
        learner_id=learner.id,
        mastery=ordered,
        attempts=len(history),
        correct=sum(1 for c, _a, _q in history if c),
        streak=streak,
        best_streak=best,
        practice_days=practice_days,
        due_now=due_now,
        next_due=min(upcoming) if upcoming else None,
        weakest_red_flags=weakest[:flags],
        questions_seen=len(seen),
    )


def stats(session: Session) -> dict:
    """Counts over the active (not retired) questions in the database."""
    active = Question.retired_at.is_(None)
    total = session.scalar(select(func.count()).select_from(Question).where(active)) or 0
    retired = session.scalar(select(func.count()).select_from(Question).where(Question.retired_at.is_not(None))) or 0
    by_type = dict(
        session.execute(select(Question.scam_type, func.count()).where(active).group_by(Question.scam_type)).all()
    )
    by_audience = dict(
        session.execute(
            select(QuestionAudience.audience, func.count())
            .join(Question, Question.id == QuestionAudience.question_id)
            .where(active)
            .group_by(QuestionAudience.audience)
        ).all()
    )
    by_qtype = dict(session.execute(select(Question.type, func.count()).where(active).group_by(Question.type)).all())
    banks = dict(session.execute(select(Question.bank_id, func.count()).where(active).group_by(Question.bank_id)).all())
    return {
        "questions": total,
        "by_scam_type": {t.value: by_type.get(t.value, 0) for t in SCAM_TYPES},
        "by_audience": {a.value: by_audience.get(a.value, 0) for a in Audience},
        "by_question_type": by_qtype,
        "banks": banks,
        "languages": ["zh", "en"] if total else [],
        "retired": retired,
    }
