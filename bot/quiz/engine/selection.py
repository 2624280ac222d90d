"""The next question of a run, and what it is chosen from: the learner's pool, their answered questions in it and
their mastery per scam type.

Next question (:func:`next_question`), in order:
1. a review that is due (FSRS due date <= now), the most overdue first;
2. else the learner's weakest scam type (lowest mastery; ties broken by the run's seed) that still has a question
   the learner has never answered: one of those, chosen with the run's seed;
3. else, in the weakest type first, the answered question with the lowest recall probability.
Within one run a question is never served twice. The pool is the active questions for the learner's audiences
(plus ``general``, which is for everyone), or for every audience if the learner chose none, narrowed to the run's
focus scam type if it has one.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    ColumnElement,
    String,
    and_,
    bindparam,
    case,
    cast,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from bot.db.models import LearnerAudience, Question, QuestionAudience, QuestionBank, QuizRun, ReviewState, RunItem
from bot.quiz import scheduling
from bot.quiz.engine.cache import EngineCache, engine_cache
from bot.quiz.engine.common import Served, table
from bot.quiz.model import Audience


def pool_filter(audiences: Sequence[str], focus: str | None) -> ColumnElement[bool]:
    """The questions of a pool: active, for one of ``audiences`` or ``general`` (any audience if none), of the
    scam type ``focus`` if given."""
    conditions: list[ColumnElement[bool]] = [Question.retired_at.is_(None)]
    if audiences:
        wanted = sorted({*audiences, Audience.GENERAL.value})
        conditions.append(
            exists().where(QuestionAudience.question_id == Question.id, QuestionAudience.audience.in_(wanted))
        )
    if focus is not None:
        conditions.append(Question.scam_type == focus)
    return and_(*conditions)


@dataclass
class Seen:
    """One answered question of the pool, as the choice and mastery need it."""

    question_id: str
    scam_type: str
    due: datetime
    recall: float  # R(now)


def seen_questions(session: Session, learner_id: int, pool: ColumnElement[bool], now: datetime) -> list[Seen]:
    """The learner's answered questions of the pool, with their due dates and recall now."""
    rows = session.execute(
        select(
            ReviewState.question_id, Question.scam_type, ReviewState.due, ReviewState.stability, ReviewState.last_review
        )
        .join(Question, Question.id == ReviewState.question_id)
        .where(ReviewState.learner_id == learner_id, pool)
    ).all()
    return [
        Seen(qid, scam, due, scheduling.retrievability(stability, last_review, now))
        for qid, scam, due, stability, last_review in rows
    ]


@dataclass(frozen=True)
class Pool:
    """The active question ids of a pool, by scam type, sorted, and their content hashes (cached per bank
    version)."""

    by_type: dict[str, tuple[str, ...]]
    hashes: dict[str, str]

    @property
    def available(self) -> dict[str, int]:
        return {t: len(ids) for t, ids in self.by_type.items()}


class _Selection:
    """The statements of the next-question choice, built once per database (``bot.quiz.engine.cache``) and
    executed with parameters (the choice is a handful of cached, compiled statements: see bench/quiz_next.py)."""

    def __init__(self, dialect: str) -> None:
        q, rs, item = table(Question), table(ReviewState), table(RunItem)
        la, qa, bank = table(LearnerAudience), table(QuestionAudience), table(QuestionBank)
        self.dialect = dialect
        self.version = select(func.max(bank.c.imported_at), func.count()).select_from(bank)
        # What the run served, the learner's audiences, the bank version and whether any review is due (an
        # index-only min(due)), in one round trip.
        self.start = union_all(
            select(literal("s"), item.c.question_id).where(item.c.run_id == bindparam("b_run")),
            select(literal("a"), la.c.audience).where(la.c.learner_id == bindparam("b_learner")),
            select(literal("v"), cast(func.max(bank.c.imported_at), String) + ":" + cast(func.count(), String)),
            select(
                literal("d"), case((func.min(rs.c.due) <= bindparam("b_now", type_=rs.c.due.type), "1"), else_="0")
            ).where(rs.c.learner_id == bindparam("b_learner")),
        )
        # The due review: one statement text per (audiences?, focus?) and no literal lists, so that PostgreSQL
        # prepares it once (psycopg prepares a statement after 5 runs) instead of planning it on every call.
        learner_audience = select(la.c.audience).where(la.c.learner_id == bindparam("b_learner")).scalar_subquery()
        in_pool = exists().where(
            qa.c.question_id == q.c.id,
            or_(qa.c.audience == Audience.GENERAL.value, qa.c.audience.in_(learner_audience)),
        )
        already_served = select(item.c.question_id).where(item.c.run_id == bindparam("b_run")).scalar_subquery()
        base = (
            select(rs.c.question_id, q.c.content_hash)
            .join(q, q.c.id == rs.c.question_id)
            .where(
                rs.c.learner_id == bindparam("b_learner"),
                rs.c.due <= bindparam("b_now", type_=rs.c.due.type),
                q.c.retired_at.is_(None),
                rs.c.question_id.not_in(already_served),
            )
            .order_by(rs.c.due, rs.c.question_id)
            .limit(1)
        )
        self.due = {
            (audiences, focus): base.where(
                *([in_pool] if audiences else []), *([q.c.scam_type == bindparam("b_focus")] if focus else [])
            )
            for audiences in (False, True)
            for focus in (False, True)
        }
        elapsed = func.floor(bindparam("b_today") - rs.c.last_review_day)
        days = case((elapsed < 0, 0.0), else_=elapsed)
        recall = func.pow(1.0 + scheduling.FACTOR * days / rs.c.stability, scheduling.DECAY)
        self.mastery = (
            select(
                rs.c.scam_type,
                func.count(),
                func.sum(case((rs.c.last_correct.is_(True), recall), else_=0.0)),
            )
            .where(rs.c.learner_id == bindparam("b_learner"))
            .group_by(rs.c.scam_type)
        )
        self.seen_of_type = select(rs.c.question_id).where(
            rs.c.learner_id == bindparam("b_learner"), rs.c.scam_type == bindparam("b_scam")
        )
        self.add_item = insert(item)


def bank_version(session: Session, cache: EngineCache | None = None) -> str:
    """Changes whenever an import changes the banks (each import stamps its banks' ``imported_at``)."""
    cache = cache or engine_cache(session)
    latest, count = session.connection().execute(cache.built(_Selection, session).version).one()
    return f"{latest}:{count}"


def question_pool(
    session: Session,
    audiences: Sequence[str],
    focus: str | None,
    version: str | None = None,
    cache: EngineCache | None = None,
) -> Pool:
    """The pool of ``audiences`` and ``focus`` (see :func:`pool_filter`), cached per bank version."""
    cache = cache or engine_cache(session)
    version = version if version is not None else bank_version(session, cache)
    key = (version, tuple(sorted(audiences)), focus)
    pool = cache.pools.get(key)
    if pool is None:
        by_type: dict[str, list[str]] = defaultdict(list)
        hashes: dict[str, str] = {}
        for qid, scam, content_hash in session.execute(
            select(Question.id, Question.scam_type, Question.content_hash)
            .where(pool_filter(audiences, focus))
            .order_by(Question.id)
        ):
            by_type[scam].append(qid)
            hashes[qid] = content_hash
        pool = Pool({t: tuple(ids) for t, ids in by_type.items()}, hashes)
        if len(cache.pools) > cache.MAX_POOLS:
            cache.pools.clear()
        cache.pools[key] = pool
    return pool


def mastery_by_type(
    session: Session, learner_id: int, available: dict[str, int], now: datetime, cache: EngineCache | None = None
) -> dict[str, float]:
    """Mastery per scam type of the pool (formula: ``bot.quiz.scheduling``), from one aggregate over the
    learner's review states (an index-only scan): FSRS retrievability ``(1 + FACTOR * days / stability) ** DECAY``
    of every question whose last answer was right. Every answered question of a type counts, in the pool or not."""
    sql = (cache or engine_cache(session)).built(_Selection, session)
    rows = (
        session.connection()
        .execute(sql.mastery, {"b_learner": learner_id, "b_today": scheduling.day_number(now)})
        .all()
    )
    sums = {scam: (int(n), float(total or 0.0)) for scam, n, total in rows}
    return {t: scheduling.mastery_of(*sums.get(t, (0, 0.0)), available=n) for t, n in available.items()}


def next_question(session: Session, run: QuizRun, *, now: datetime) -> Served | None:
    """Choose the next question of ``run`` (see the module docstring), record it in the run and return it.

    Returns None when the run is finished: its planned size is reached or no question is left in the pool.
    Deterministic: the same database state, run seed and position give the same question.
    """
    cache = engine_cache(session)
    sql = cache.built(_Selection, session)
    connection = session.connection()
    rows = connection.execute(sql.start, {"b_run": run.id, "b_learner": run.learner_id, "b_now": now}).all()
    any_due = ("d", "1") in rows  # some review of the learner is due (in the pool and not yet served, or not)
    served = [value for kind, value in rows if kind == "s"]
    audiences = [value for kind, value in rows if kind == "a"]
    version = next((value for kind, value in rows if kind == "v"), "")
    position = len(served) + 1
    if run.size is not None and position > run.size:
        return None
    rng = random.Random(f"{run.seed}:{position}")

    choice: tuple[str, str] | None = None
    known_hash: str | None = None
    if any_due:
        params = {"b_learner": run.learner_id, "b_now": now, "b_run": run.id, "b_focus": run.focus}
        due = connection.execute(sql.due[(bool(audiences), run.focus is not None)], params).first()
        if due is not None:
            choice = (due.question_id, "due")
            known_hash = due.content_hash
    if choice is None:
        candidates = question_pool(session, audiences, run.focus, version, cache)
        mastery = mastery_by_type(session, run.learner_id, candidates.available, now, cache)
        order = sorted(candidates.available, key=lambda t: (mastery[t], rng.random()))
        served_set = set(served)
        for scam in order:
            seen = set(connection.execute(sql.seen_of_type, {"b_learner": run.learner_id, "b_scam": scam}).scalars())
            new = [q for q in candidates.by_type[scam] if q not in seen and q not in served_set]
            if new:
                choice = (rng.choice(new), "new")
                known_hash = candidates.hashes[choice[0]]
                break
        if choice is None:  # every question of the pool has been answered: the least well remembered one
            by_type = {t: i for i, t in enumerate(order)}
            pool = pool_filter(audiences, run.focus)
            rest = [
                s
                for s in seen_questions(session, run.learner_id, pool, now)
                if s.question_id not in served_set and s.scam_type in by_type
            ]
            if rest:
                weakest = min(rest, key=lambda s: (by_type[s.scam_type], s.recall, s.question_id))
                choice = (weakest.question_id, "weak")
    if choice is None:
        return None
    question_id, reason = choice
    connection.execute(
        sql.add_item,
        {
            "run_id": run.id,
            "position": position,
            "question_id": question_id,
            "served_at": now,
            "reason": reason,
            "answered": False,
        },
    )
    record = cache.question(connection, question_id, known_hash)  # the hash is known on the "due" and "new" paths
    return Served(run.id, position, record, reason)
