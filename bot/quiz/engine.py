"""The quiz engine: learners, quiz runs, the next question, answers, mastery and reports.

Every function takes the caller's SQLAlchemy session and never commits: the caller owns the transaction
(``Database.write()``). Time (``now``) and randomness (a run's seed) are passed in, never read from the clock, so
that the engine is deterministic and testable. No Telegram or Rasa imports: the chat layers call this module.

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
import weakref
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
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
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db.models import (
    Attempt,
    Channel,
    Learner,
    LearnerAudience,
    Question,
    QuestionAudience,
    QuestionBank,
    QuestionRedFlag,
    QuizRun,
    ReviewState,
    RunItem,
)
from bot.shared.labels import SCAM_TYPES
from bot.quiz import scheduling
from bot.quiz.bank import Banks
from bot.quiz.model import Audience, question_from_record
from bot.quiz.model import Question as QuestionRecord

MAX_KEY = 128


class QuizError(ValueError):
    """A request the engine cannot carry out (unknown question, answer out of range, ...)."""


# --------------------------------------------------------------------------------------------------------------
# Learners


def get_learner(session: Session, channel: Channel | str, external_id: str) -> Learner | None:
    return session.scalar(
        select(Learner).where(Learner.channel == Channel(channel), Learner.external_id == str(external_id))
    )


def ensure_learner(
    session: Session,
    channel: Channel | str,
    external_id: str,
    *,
    now: datetime,
    lang: str | None = None,
    audiences: Iterable[Audience | str] | None = None,
) -> Learner:
    """The learner with this channel and external id, created if new; ``lang``/``audiences`` update the profile."""
    learner = get_learner(session, channel, external_id)
    if learner is None:
        learner = Learner(channel=Channel(channel), external_id=str(external_id), lang=lang or "zh", created_at=now)
        try:
            with session.begin_nested():
                session.add(learner)
                session.flush()
        except IntegrityError:  # created concurrently by another request
            learner = get_learner(session, channel, external_id)
            assert learner is not None
    if lang is not None:
        learner.lang = lang
    if audiences is not None:
        set_audiences(session, learner, audiences)
    return learner


def learner_id(session: Session, channel: Channel | str, external_id: str, *, now: datetime, lang: str = "zh") -> int:
    """The id of the learner with this channel and external id, created if new: the answer path's light version
    of :func:`ensure_learner` (cached Core statements, no ORM objects)."""
    sql = _statements(session)
    connection = session.connection()
    key = {"b_channel": Channel(channel).value, "b_external": str(external_id)}
    found = connection.execute(sql.learner_id, key).scalar()
    if found is None:
        found = connection.execute(sql.insert_learner, {
            "channel": key["b_channel"], "external_id": key["b_external"], "lang": lang, "created_at": now,
        }).scalar()
        if found is None:  # created concurrently
            found = connection.execute(sql.learner_id, key).scalar_one()
    return int(found)


def set_audiences(session: Session, learner: Learner, audiences: Iterable[Audience | str]) -> None:
    wanted = sorted({Audience(a).value for a in audiences})
    if [a.audience for a in learner.audiences] != wanted:
        learner.audiences = [LearnerAudience(audience=a) for a in wanted]
        session.flush()


def learner_audiences(learner: Learner) -> list[str]:
    return [a.audience for a in learner.audiences]


# --------------------------------------------------------------------------------------------------------------
# Runs and the next question


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
    run = QuizRun(
        learner_id=learner.id, lang=lang or learner.lang, seed=seed, focus=focus, size=size, started_at=now
    )
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


def _pool_filter(audiences: Sequence[str], focus: str | None) -> ColumnElement[bool]:
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
class _Seen:
    """One answered question of the pool, as the choice and mastery need it."""

    question_id: str
    scam_type: str
    due: datetime
    recall: float  # R(now)


def _seen(session: Session, learner_id: int, pool: ColumnElement[bool], now: datetime) -> list[_Seen]:
    """The learner's answered questions of the pool, with their due dates and recall now."""
    rows = session.execute(
        select(ReviewState.question_id, Question.scam_type, ReviewState.due, ReviewState.stability,
               ReviewState.last_review)
        .join(Question, Question.id == ReviewState.question_id)
        .where(ReviewState.learner_id == learner_id, pool)
    ).all()
    return [_Seen(qid, scam, due, scheduling.retrievability(stability, last_review, now))
            for qid, scam, due, stability, last_review in rows]


@dataclass(frozen=True)
class _Pool:
    """The active question ids of a pool, by scam type, sorted, and their content hashes (cached per bank
    version)."""

    by_type: dict[str, tuple[str, ...]]
    hashes: dict[str, str]

    @property
    def available(self) -> dict[str, int]:
        return {t: len(ids) for t, ids in self.by_type.items()}


_POOLS: dict[tuple, _Pool] = {}


class _Selection:
    """The statements of the next-question choice, built once per dialect and executed with parameters (the
    choice is a handful of cached, compiled statements: see bench/quiz_next.py)."""

    def __init__(self, dialect: str) -> None:
        q, rs, item = Question.__table__, ReviewState.__table__, RunItem.__table__
        la, qa, bank = LearnerAudience.__table__, QuestionAudience.__table__, QuestionBank.__table__
        self.dialect = dialect
        self.version = select(func.max(bank.c.imported_at), func.count()).select_from(bank)
        # What the run served, the learner's audiences, the bank version and whether any review is due (an
        # index-only min(due)), in one round trip.
        self.start = union_all(
            select(literal("s"), item.c.question_id).where(item.c.run_id == bindparam("b_run")),
            select(literal("a"), la.c.audience).where(la.c.learner_id == bindparam("b_learner")),
            select(literal("v"), cast(func.max(bank.c.imported_at), String) + ":" + cast(func.count(), String)),
            select(literal("d"), case((func.min(rs.c.due) <= bindparam("b_now", type_=rs.c.due.type), "1"),
                                      else_="0")).where(rs.c.learner_id == bindparam("b_learner")),
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
            (audiences, focus): base.where(*([in_pool] if audiences else []),
                                           *([q.c.scam_type == bindparam("b_focus")] if focus else []))
            for audiences in (False, True) for focus in (False, True)
        }
        days = func.floor(bindparam("b_today") - rs.c.last_review_day)
        days = case((days < 0, 0.0), else_=days)
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


_SELECTIONS: dict[str, _Selection] = {}


def _selection(session: Session) -> _Selection:
    dialect = session.get_bind().dialect.name
    if dialect not in _SELECTIONS:
        _SELECTIONS[dialect] = _Selection(dialect)
    return _SELECTIONS[dialect]


def _bank_version(session: Session) -> str:
    """Changes whenever an import changes the banks (each import stamps its banks' ``imported_at``)."""
    latest, count = session.connection().execute(_selection(session).version).one()
    return f"{latest}:{count}"


def _pool(session: Session, audiences: Sequence[str], focus: str | None, version: str | None = None) -> _Pool:
    version = version if version is not None else _bank_version(session)
    key = (str(session.get_bind().url), version, tuple(sorted(audiences)), focus)
    pool = _POOLS.get(key)
    if pool is None:
        by_type: dict[str, list[str]] = defaultdict(list)
        hashes: dict[str, str] = {}
        for qid, scam, content_hash in session.execute(
            select(Question.id, Question.scam_type, Question.content_hash)
            .where(_pool_filter(audiences, focus))
            .order_by(Question.id)
        ):
            by_type[scam].append(qid)
            hashes[qid] = content_hash
        pool = _Pool({t: tuple(ids) for t, ids in by_type.items()}, hashes)
        if len(_POOLS) > 256:
            _POOLS.clear()
        _POOLS[key] = pool
    return pool


def _mastery_by_type(session: Session, learner_id: int, available: dict[str, int], now: datetime) -> dict[str, float]:
    """Mastery per scam type of the pool (formula: ``bot.quiz.scheduling``), from one aggregate over the
    learner's review states (an index-only scan): FSRS retrievability ``(1 + FACTOR * days / stability) ** DECAY``
    of every question whose last answer was right. Every answered question of a type counts, in the pool or not."""
    rows = session.connection().execute(
        _selection(session).mastery, {"b_learner": learner_id, "b_today": scheduling.day_number(now)}
    ).all()
    sums = {scam: (int(n), float(total or 0.0)) for scam, n, total in rows}
    return {t: scheduling.mastery_of(*sums.get(t, (0, 0.0)), available=n) for t, n in available.items()}


def next_question(session: Session, run: QuizRun, *, now: datetime) -> Served | None:
    """Choose the next question of ``run`` (see the module docstring), record it in the run and return it.

    Returns None when the run is finished: its planned size is reached or no question is left in the pool.
    Deterministic: the same database state, run seed and position give the same question.
    """
    sql = _selection(session)
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
        candidates = _pool(session, audiences, run.focus, version)
        mastery = _mastery_by_type(session, run.learner_id, candidates.available, now)
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
            pool = _pool_filter(audiences, run.focus)
            rest = [s for s in _seen(session, run.learner_id, pool, now)
                    if s.question_id not in served_set and s.scam_type in by_type]
            if rest:
                weakest = min(rest, key=lambda s: (by_type[s.scam_type], s.recall, s.question_id))
                choice = (weakest.question_id, "weak")
    if choice is None:
        return None
    question_id, reason = choice
    connection.execute(sql.add_item, {"run_id": run.id, "position": position, "question_id": question_id,
                                      "served_at": now, "reason": reason, "answered": False})
    record = _RECORDS.get((question_id, known_hash)) if known_hash else None
    if record is None:
        record = _question(connection, _statements(session), question_id)
    return Served(run.id, position, record, reason)


def question_record(row: Question) -> QuestionRecord:
    return question_from_record(row.content)


def served_item(session: Session, run: QuizRun, position: int) -> Served | None:
    item = session.get(RunItem, (run.id, position))
    if item is None:
        return None
    row = session.get(Question, item.question_id)
    assert row is not None
    return Served(run.id, position, question_record(row), item.reason)


# --------------------------------------------------------------------------------------------------------------
# Answers


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
    sql = _statements(session)
    connection = session.connection()
    record = _question(connection, sql, question_id)
    picked = tuple(sorted(set(int(i) for i in chosen)))
    if not picked or any(not 0 <= i < len(record.zh.options) for i in picked):
        raise QuizError(f"answer {list(picked)} is out of range for {question_id} ({len(record.zh.options)} options)")
    if response_ms is not None and response_ms < 0:
        raise QuizError("response time is negative")
    correct = record.is_correct(picked)
    attempt_id = connection.execute(sql.insert_attempt, {
        "learner_id": learner_id, "question_id": question_id, "run_id": run_id, "answer": list(picked),
        "correct": correct, "response_ms": response_ms, "answered_at": now, "idempotency_key": idempotency_key,
    }).scalar()
    if attempt_id is None:  # this key was recorded before (or just now, by a concurrent writer)
        existing = connection.execute(sql.attempt_by_key, {"b_learner": learner_id, "b_key": idempotency_key}).one()
        return AnswerResult(existing.id, _question(connection, sql, existing.question_id), tuple(existing.answer),
                            existing.correct, duplicate=True)
    _update_review(connection, sql, learner_id, question_id, record.scam_type.value, correct, response_ms, now)
    if run_id is not None:
        connection.execute(sql.mark_answered, {"b_run": run_id, "b_question": question_id})
    return AnswerResult(attempt_id, record, picked, correct, duplicate=False)


class _Statements:
    """The answer path's statements, built once per dialect and executed with parameters on the session's
    connection: recording an answer is a handful of cached, compiled statements (see bench/quiz_answers.py)."""

    def __init__(self, dialect: str) -> None:
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        elif dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert
        else:  # pragma: no cover - other databases are not supported
            raise QuizError(f"unsupported database {dialect!r}: use SQLite or PostgreSQL")
        q, a, rs, item = Question.__table__, Attempt.__table__, ReviewState.__table__, RunItem.__table__
        learners = Learner.__table__
        self.learner_id = select(learners.c.id).where(
            learners.c.channel == bindparam("b_channel"), learners.c.external_id == bindparam("b_external")
        )
        self.insert_learner = (
            insert(learners).on_conflict_do_nothing(index_elements=["channel", "external_id"]).returning(learners.c.id)
        )
        self.question_hash = select(q.c.content_hash).where(q.c.id == bindparam("b_question"))
        self.question_content = select(q.c.content).where(q.c.id == bindparam("b_question"))
        self.insert_attempt = (
            insert(a).on_conflict_do_nothing(index_elements=["learner_id", "idempotency_key"]).returning(a.c.id)
        )
        self.attempt_by_key = select(a.c.id, a.c.question_id, a.c.answer, a.c.correct).where(
            a.c.learner_id == bindparam("b_learner"), a.c.idempotency_key == bindparam("b_key")
        )
        state_key = (rs.c.learner_id == bindparam("b_learner"), rs.c.question_id == bindparam("b_question"))
        self.lock_state = (
            select(rs.c.state, rs.c.step, rs.c.stability, rs.c.difficulty, rs.c.due, rs.c.last_review, rs.c.reps,
                   rs.c.lapses, rs.c.last_correct)
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


_STATEMENTS: dict[str, _Statements] = {}
_TRANSACTION_HASHES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

#: Parsed questions by (id, content hash): the answers of a whole class to one question parse it once.
_RECORDS: dict[tuple[str, str], QuestionRecord] = {}


def _statements(session: Session) -> _Statements:
    dialect = session.get_bind().dialect.name
    if dialect not in _STATEMENTS:
        _STATEMENTS[dialect] = _Statements(dialect)
    return _STATEMENTS[dialect]


def _question(connection: Connection, sql: _Statements, question_id: str) -> QuestionRecord:
    # Within one transaction a question does not change: its hash is looked up once per transaction.
    hashes = _TRANSACTION_HASHES.setdefault(connection.get_transaction() or connection, {})
    content_hash = hashes.get(question_id)
    if content_hash is None:
        content_hash = connection.execute(sql.question_hash, {"b_question": question_id}).scalar()
        hashes[question_id] = content_hash
    if content_hash is None:
        raise QuizError(f"unknown question {question_id!r}")
    record = _RECORDS.get((question_id, content_hash))
    if record is None:
        record = question_from_record(connection.execute(sql.question_content, {"b_question": question_id}).scalar())
        if len(_RECORDS) > 20_000:
            _RECORDS.clear()
        _RECORDS[(question_id, content_hash)] = record
    return record


def _update_review(
    connection: Connection, sql: _Statements, learner_id: int, question_id: str, scam_type: str, correct: bool,
    response_ms: int | None, now: datetime,
) -> None:
    # Most answers are a learner's first to a question: try to create the row, reviewed once, in one statement.
    card = scheduling.review(scheduling.new_card(now), correct, response_ms, now)
    inserted = connection.execute(sql.insert_state, {
        "learner_id": learner_id, "question_id": question_id, "scam_type": scam_type, "reps": 1, "lapses": 0,
        "last_correct": correct, **_card_values(card),
    }).first()
    if inserted is not None:
        return
    # It exists (or a concurrent writer just created it): lock it, review its card, write it back.
    key = {"b_learner": learner_id, "b_question": question_id}
    row = connection.execute(sql.lock_state, key).one()
    state, step, stability, difficulty, due, last_review, reps, lapses, last_correct = row
    card = scheduling.Card(card_id=1, state=scheduling.State(state), step=step, stability=stability,
                           difficulty=difficulty, due=due, last_review=last_review)
    card = scheduling.review(card, correct, response_ms, now)
    connection.execute(sql.update_state, {
        **key, "reps": reps + 1, "lapses": lapses + int(bool(last_correct) and not correct), "last_correct": correct,
        **_card_values(card),
    })


def _card_values(card: scheduling.Card) -> dict:
    return {
        "state": int(card.state), "step": card.step, "stability": card.stability, "difficulty": card.difficulty,
        "due": card.due, "last_review": card.last_review,
        "last_review_day": scheduling.day_number(card.last_review) if card.last_review else None,
    }


# --------------------------------------------------------------------------------------------------------------
# Reports


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
    available = _pool(session, learner_audiences(learner), None).available
    values = _mastery_by_type(session, learner.id, available, now)
    return dict(sorted(values.items(), key=lambda kv: (kv[1], kv[0])))


def report(session: Session, learner: Learner, *, now: datetime, flags: int = 3) -> Report:
    pool = _pool_filter(learner_audiences(learner), None)
    available = _pool(session, learner_audiences(learner), None).available
    seen = _seen(session, learner.id, pool, now)
    values = _mastery_by_type(session, learner.id, available, now)
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


# --------------------------------------------------------------------------------------------------------------
# Importing the banks


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int
    unchanged: int
    retired: int
    restored: int

    def __str__(self) -> str:
        return (
            f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.retired} retired, {self.restored} restored"
        )


def import_banks(session: Session, banks: Banks, *, now: datetime, partial: bool = False) -> ImportResult:
    """Insert or update every question of ``banks``; retire the ones no longer there.

    ``partial``: ``banks`` is only some of the bank files, so only questions of *those* banks that are missing are
    retired (a whole-directory import retires every question not in it). Retired questions keep their attempts and
    come back (``restored``) if they reappear. Runs in the caller's transaction: call it in one ``Database.write()``
    so that a failure leaves the database as it was.
    """
    existing = {q.id: q for q in session.scalars(select(Question))}
    known_banks = {b.id: b for b in session.scalars(select(QuestionBank))}
    added = updated = unchanged = restored = 0
    incoming: set[str] = set()
    for bank in banks.banks:
        row_bank = known_banks.get(bank.id)
        if row_bank is None:
            row_bank = QuestionBank(id=bank.id, title_zh=bank.title_zh, title_en=bank.title_en, path=bank.path,
                                    imported_at=now)
            session.add(row_bank)
        else:
            row_bank.title_zh, row_bank.title_en, row_bank.path, row_bank.imported_at = (
                bank.title_zh, bank.title_en, bank.path, now)
    session.flush()
    for record in banks.questions:
        incoming.add(record.id)
        row = existing.get(record.id)
        if row is None:
            row = Question(id=record.id, created_at=now, retired_at=None)
            _fill(row, record, now)
            session.add(row)
            added += 1
            continue
        if row.retired_at is not None:
            row.retired_at = None
            restored += 1
        if row.content_hash == record.content_hash:
            unchanged += 1
            continue
        if row.scam_type != record.scam_type.value:  # keep the copy in the review states in step
            session.execute(
                update(ReviewState).where(ReviewState.question_id == row.id).values(scam_type=record.scam_type.value)
                .execution_options(synchronize_session=False)
            )
        _fill(row, record, now)
        updated += 1
    retired = 0
    scope = {b.id for b in banks.banks} if partial else None
    for row in existing.values():
        if row.id in incoming or row.retired_at is not None:
            continue
        if scope is not None and row.bank_id not in scope:
            continue
        row.retired_at = now
        retired += 1
    session.flush()
    return ImportResult(added, updated, unchanged, retired, restored)


def _fill(row: Question, record: QuestionRecord, now: datetime) -> None:
    row.bank_id = record.bank
    row.type = record.type.value
    row.scam_type = record.scam_type.value
    row.content = record.to_record()
    row.content_hash = record.content_hash
    row.updated_at = now
    row.audiences = [QuestionAudience(audience=a) for a in sorted(x.value for x in record.audiences)]
    row.red_flags = [QuestionRedFlag(red_flag=f) for f in record.red_flags]


def stats(session: Session) -> dict:
    """Counts over the active (not retired) questions in the database."""
    active = Question.retired_at.is_(None)
    total = session.scalar(select(func.count()).select_from(Question).where(active)) or 0
    retired = session.scalar(select(func.count()).select_from(Question).where(Question.retired_at.is_not(None))) or 0
    by_type = dict(session.execute(select(Question.scam_type, func.count()).where(active).group_by(Question.scam_type)).all())
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


__all__ = [
    "AnswerResult",
    "ImportResult",
    "QuizError",
    "Report",
    "Served",
    "ensure_learner",
    "finish_run",
    "import_banks",
    "mastery",
    "next_question",
    "record_answer",
    "report",
    "start_run",
    "stats",
]
