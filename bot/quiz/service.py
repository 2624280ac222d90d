"""The quiz as the chat layers use it: one call per user action, each in its own transaction.

:class:`QuizService` owns the transactions (``Database.write_retrying``) and the clock; the engine
(``bot.quiz.engine``) below it takes both as parameters. Learners are keyed by channel and external id (the
terminal user name, the Rasa conversation id, the Telegram user id), so that a restart loses nothing: the open run
and its unanswered question live in the database.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db import Database
from bot.db.models import Attempt, Channel, Learner, Question, QuizRun, RunItem
from bot.quiz import engine
from bot.quiz.bank import load_banks
from bot.quiz.engine import AnswerResult, ImportResult, Report, Served
from bot.quiz.model import Audience
from bot.settings import settings


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Profile:
    learner_id: int
    lang: str
    audiences: tuple[str, ...]
    is_new: bool


@dataclass(frozen=True)
class RoundAnswer:
    """An answer to the question at ``position`` of the learner's round ``run_id``."""

    channel: Channel | str
    external_id: str
    run_id: int
    position: int
    chosen: tuple[int, ...]
    key: str | None = None  # default: the run and position (one answer per question of a round)
    response_ms: int | None = None  # default: from when the question was served


@dataclass(frozen=True)
class SingleAnswer:
    """An answer to a question outside the learner's rounds (posted to a group)."""

    channel: Channel | str
    external_id: str
    question_id: str
    chosen: tuple[int, ...]
    key: str
    since: datetime | None = None


@dataclass(frozen=True)
class Answered:
    """What answering did: the result, the next question (None at the end of the round) and the round's score."""

    result: AnswerResult
    next: Served | None
    right: int
    total: int
    size: int | None


def sync_banks(db: Database, path: Path | str | None = None, *, now: datetime | None = None) -> ImportResult | None:
    """Import the banks when the database does not hold exactly them (fresh database, edited files); else None."""
    banks = load_banks(path)
    want = {q.id: q.content_hash for q in banks.questions}
    with db.read() as session:
        current = select(Question.id, Question.content_hash).where(Question.retired_at.is_(None))
        have = dict(session.execute(current).all())
    if have == want:
        return None
    return db.write_retrying(lambda s: engine.import_banks(s, banks, now=now or utcnow()))


class QuizService:
    def __init__(
        self,
        db: Database,
        *,
        clock: Callable[[], datetime] = utcnow,
        seeds: Callable[[], int] | None = None,
        round_size: int | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.seeds = seeds or (lambda: random.SystemRandom().randrange(2**31))
        self.round_size = settings().round_size if round_size is None else round_size  # the one default

    # --- set-up

    def prepare(self, banks: Path | str | None = None) -> ImportResult | None:
        """Migrate the schema and import the banks if they changed. Safe to call at every start."""
        self.db.migrate()
        return sync_banks(self.db, banks, now=self.clock())

    # --- learners

    def _learner(self, s: Session, channel: Channel | str, external_id: str, lang: str | None = None) -> Learner:
        return engine.ensure_learner(s, channel, external_id, now=self.clock(), lang=lang)

    def profile(
        self,
        channel: Channel | str,
        external_id: str,
        *,
        lang: str | None = None,
        audiences: Iterable[Audience | str] | None = None,
    ) -> Profile:
        def work(s: Session) -> Profile:
            is_new = engine.get_learner(s, channel, external_id) is None
            learner = engine.ensure_learner(s, channel, external_id, now=self.clock(), lang=lang, audiences=audiences)
            return Profile(learner.id, learner.lang, tuple(engine.learner_audiences(learner)), is_new)

        return self.db.write_retrying(work)

    # --- rounds

    def start(
        self,
        channel: Channel | str,
        external_id: str,
        *,
        lang: str | None = None,
        size: int | None = None,
        focus: str | None = None,
        resume: bool = True,
        seed: int | None = None,
    ) -> Served | None:
        """The question to show: the open round's unanswered one (``resume``), else the first of a new round."""

        def work(s: Session) -> Served | None:
            now = self.clock()
            learner = self._learner(s, channel, external_id, lang)
            run = engine.latest_open_run(s, learner.id)
            if run is not None and resume:
                item = engine.pending_item(s, run)
                if item is not None:
                    return engine.served_item(s, run, item.position)
            if run is not None:
                engine.finish_run(s, run, now=now)
            run = engine.start_run(
                s,
                learner,
                now=now,
                seed=self.seeds() if seed is None else seed,
                lang=lang or learner.lang,
                focus=focus,
                size=size or self.round_size,
            )
            served = engine.next_question(s, run, now=now)
            if served is None:
                engine.finish_run(s, run, now=now)
            return served

        return self.db.write_retrying(work)

    def pending(self, channel: Channel | str, external_id: str) -> Served | None:
        """The question waiting for an answer, if any."""
        with self.db.read() as s:
            learner = engine.get_learner(s, channel, external_id)
            run = engine.latest_open_run(s, learner.id) if learner else None
            item = engine.pending_item(s, run) if run else None
            return engine.served_item(s, run, item.position) if run and item else None

    def answer(
        self,
        channel: Channel | str,
        external_id: str,
        served: Served,
        chosen: Iterable[int],
        *,
        key: str | None = None,
        response_ms: int | None = None,
    ) -> Answered:
        """Record the answer to ``served`` (once per key; default key: the run and position) and serve the next."""
        item = RoundAnswer(channel, external_id, served.run_id, served.position, tuple(chosen), key, response_ms)
        return self.db.write_retrying(lambda s: self.record_round(s, item))

    def served(self, run_id: int, position: int) -> Served | None:
        """A question served earlier (a front end that keeps its own ids, such as Telegram polls, looks it up)."""
        with self.db.read() as s:
            run = s.get(QuizRun, run_id)
            return engine.served_item(s, run, position) if run else None

    def record_round(self, s: Session, item: RoundAnswer) -> Answered:
        """Record a round answer in the caller's transaction (see :meth:`answer`)."""
        now = self.clock()
        learner = engine.learner_id(s, item.channel, item.external_id, now=now)
        run = s.get(QuizRun, item.run_id)
        if run is None or run.learner_id != learner:
            raise engine.QuizError("this question belongs to another learner's round")
        served = s.get(RunItem, (run.id, item.position))
        if served is None:
            raise engine.QuizError(f"no question {item.position} in round {run.id}")
        elapsed = item.response_ms
        if elapsed is None:  # from when the question was served to now
            elapsed = max(0, int((now - served.served_at).total_seconds() * 1000))
        result = engine.record_answer(
            s,
            learner_id=learner,
            question_id=served.question_id,
            chosen=item.chosen,
            now=now,
            idempotency_key=item.key or f"run:{run.id}:{item.position}",
            response_ms=elapsed,
            run_id=run.id,
        )
        nxt = None
        if run.finished_at is None:
            if result.duplicate:
                pending = engine.pending_item(s, run)
                nxt = engine.served_item(s, run, pending.position) if pending else None
            else:
                nxt = engine.next_question(s, run, now=now)
                if nxt is None:
                    engine.finish_run(s, run, now=now)
        right, total = _score(s, run)
        return Answered(result, nxt, right, total, run.size)

    def record_single(self, s: Session, item: SingleAnswer) -> Answered:
        """Record an answer outside the learner's rounds (a question posted to a group), in the caller's
        transaction; ``item.since``: when it was posted, for the response time."""
        now = self.clock()
        learner = engine.learner_id(s, item.channel, item.external_id, now=now)
        elapsed = max(0, int((now - item.since).total_seconds() * 1000)) if item.since else None
        result = engine.record_answer(
            s,
            learner_id=learner,
            question_id=item.question_id,
            chosen=item.chosen,
            now=now,
            idempotency_key=item.key,
            response_ms=elapsed,
        )
        return Answered(result, None, int(result.correct), 1, None)

    def stop(self, channel: Channel | str, external_id: str) -> bool:
        """End the open round; False if there was none."""

        def work(s: Session) -> bool:
            learner = engine.get_learner(s, channel, external_id)
            run = engine.latest_open_run(s, learner.id) if learner else None
            if run is None:
                return False
            engine.finish_run(s, run, now=self.clock())
            return True

        return self.db.write_retrying(work)

    def report(self, channel: Channel | str, external_id: str) -> Report | None:
        with self.db.read() as s:
            learner = engine.get_learner(s, channel, external_id)
            return engine.report(s, learner, now=self.clock()) if learner else None


def _score(s: Session, run: QuizRun) -> tuple[int, int]:
    """Right answers and answers so far in the run."""
    rows = s.execute(select(Attempt.correct).where(Attempt.run_id == run.id)).scalars().all()
    return sum(1 for c in rows if c), len(rows)
