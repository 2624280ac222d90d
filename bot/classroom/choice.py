"""Which questions a session asks, chosen when it starts and stored with it (a restart asks the same ones).

- The pool: the active questions for the audience (the teacher's choice, default the class's audience; ``general``
  questions are for everyone), narrowed to the chosen scam types and bank if any.
- Order: a shuffle seeded by the session's seed, questions the class was never asked in an earlier session first.
- ``weakest``: the class's weakest scam types first: the lowest share of right answers in the class's past sessions
  (a type the class never answered counts with the members' mean mastery in the quiz engine instead); on a tie, a
  type the class did answer first (evidence beats no evidence), then the lower mastery, then the seed;
  up to a third of the questions from each type in that order, then the rest.
- Too few: if the pool holds fewer questions than asked but at least :data:`MIN_QUESTIONS` (5), the session asks
  them all (its size is what there is); fewer than 5: ``no_questions``.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, cast, func, select
from sqlalchemy.orm import Session

from bot.classroom.common import class_answers
from bot.classroom.records import MIN_QUESTIONS, ClassroomError, SessionOptions
from bot.db.models import ClassMember, Classroom, ClassSession, Question, SessionAnswer, SessionQuestion
from bot.quiz.engine import mastery_by_type, pool_filter
from bot.quiz.model import Audience
from bot.shared.labels import SCAM_TYPES


def past_questions(s: Session, class_id: int) -> set[str]:
    """The questions asked in the class's earlier sessions."""
    return set(
        s.scalars(
            select(SessionQuestion.question_id)
            .join(ClassSession, ClassSession.id == SessionQuestion.session_id)
            .where(ClassSession.class_id == class_id, SessionQuestion.opened_at.is_not(None))
        )
    )


def type_results(s: Session, class_id: int) -> dict[str, tuple[int, int]]:
    """Right answers and answers per scam type in the class's past sessions."""
    rows = s.execute(
        class_answers(class_id, Question.scam_type, func.sum(cast(SessionAnswer.correct, Integer)), func.count())
        .join(Question, Question.id == SessionQuestion.question_id)
        .group_by(Question.scam_type)
    ).all()
    return {scam: (int(right or 0), int(n)) for scam, right, n in rows}


def class_mastery(s: Session, class_id: int, available: dict[str, int], now: datetime) -> dict[str, float]:
    """The members' mean mastery per scam type (the quiz engine's formula; 0 for a class without members)."""
    learners = s.scalars(
        select(ClassMember.learner_id).where(ClassMember.class_id == class_id, ClassMember.removed_at.is_(None))
    ).all()
    totals: dict[str, float] = defaultdict(float)
    for learner in learners:
        for scam, value in mastery_by_type(s, learner, available, now).items():
            totals[scam] += value
    return {scam: totals[scam] / len(learners) if learners else 0.0 for scam in available}


def weakest_types(s: Session, class_id: int, available: dict[str, int], now: datetime, rng: random.Random) -> list[str]:
    """The pool's scam types, the class's weakest first (see the module docstring)."""
    results = type_results(s, class_id)
    mastery = class_mastery(s, class_id, available, now)

    def key(scam: str) -> tuple[float, bool, float, float]:
        right, n = results.get(scam, (0, 0))
        share = right / n if n else mastery[scam]
        return (share, not n, mastery[scam], rng.random())

    return sorted(sorted(available), key=key)


def choose_questions(
    s: Session, classroom: Classroom, options: SessionOptions, *, now: datetime, seed: int
) -> tuple[list[str], dict[str, Any]]:
    """The question ids of a new session, in order, and how they were chosen (stored with the session)."""
    audience = options.audience or classroom.audience
    problems: list[tuple[str, dict[str, Any]]] = []
    if audience not in {a.value for a in Audience}:
        problems.append(("bad_audience", {"value": audience}))
    known = {t.value for t in SCAM_TYPES}
    problems += [("bad_scam_type", {"value": t}) for t in options.scam_types if t not in known]
    if problems:
        raise ClassroomError(problems)
    conditions = [pool_filter([audience], None)]
    if options.scam_types:
        conditions.append(Question.scam_type.in_(sorted(set(options.scam_types))))
    if options.bank:
        conditions.append(Question.bank_id == options.bank)
    rows = s.execute(select(Question.id, Question.scam_type).where(*conditions).order_by(Question.id)).all()
    if len(rows) < min(options.count, MIN_QUESTIONS):
        raise ClassroomError.one("no_questions", found=len(rows))
    rng = random.Random(seed)
    past = past_questions(s, classroom.id)
    ids = [qid for qid, _ in rows]
    rng.shuffle(ids)
    ids.sort(key=lambda qid: qid in past)  # stable: never asked first, each part in the seeded order
    selection: dict[str, Any] = {
        "audience": audience,
        "scam_types": sorted(set(options.scam_types)),
        "bank": options.bank,
        "weakest": options.weakest,
        "seed": seed,
    }
    if not options.weakest:
        return ids[: options.count], selection
    scam_of = dict(rows)
    by_type: dict[str, list[str]] = defaultdict(list)
    for qid in ids:
        by_type[scam_of[qid]].append(qid)
    order = weakest_types(s, classroom.id, {t: len(q) for t, q in by_type.items()}, now, rng)
    quota = math.ceil(options.count / 3)
    chosen = [qid for scam in order for qid in by_type[scam][:quota]][: options.count]
    if len(chosen) < options.count:
        taken = set(chosen)
        chosen += [qid for scam in order for qid in by_type[scam] if qid not in taken][: options.count - len(chosen)]
    selection["types"] = order
    return chosen, selection
