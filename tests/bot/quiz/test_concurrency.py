"""50 concurrent writers record 1,000 answers: none lost, none duplicated (SQLite and PostgreSQL).

Each answer has its own idempotency key; 100 of them are also sent a second time by another writer at the same
moment, and many writers answer the same learner's same question at once (the review state row is contended).
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from functools import partial

from sqlalchemy import func, select

from bot.db import Database
from bot.db.models import Attempt, ReviewState
from bot.quiz import engine
from bot.quiz.synthetic import synthetic_banks

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
WRITERS = 50
ANSWERS = 1_000
LEARNERS = 40
QUESTIONS = 10


def test_concurrent_writers_lose_nothing_and_duplicate_nothing(database: Database) -> None:
    banks = synthetic_banks(QUESTIONS)
    with database.write() as s:
        engine.import_banks(s, banks, now=NOW)
        learner_ids = [engine.ensure_learner(s, "telegram", f"u{i}", now=NOW).id for i in range(LEARNERS)]
    rng = random.Random(7)
    questions = banks.questions
    answers = []
    for n in range(ANSWERS):
        q = rng.choice(questions)
        answers.append((rng.choice(learner_ids), q.id, (rng.randrange(len(q.zh.options)),), f"answer-{n}"))
    # Every writer gets 20 answers; every 10th answer is sent again by the next writer (a replayed submission).
    work: list[list[tuple]] = [[] for _ in range(WRITERS)]
    for n, item in enumerate(answers):
        work[n % WRITERS].append(item)
        if n % 10 == 0:
            work[(n + 1) % WRITERS].append(item)
    barrier = threading.Barrier(WRITERS)
    errors: list[BaseException] = []
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()

    def writer(items: list[tuple]) -> None:
        try:
            barrier.wait()
            for k, (learner_id, question_id, chosen, key) in enumerate(items):
                result = database.write_retrying(
                    partial(
                        engine.record_answer,
                        learner_id=learner_id,
                        question_id=question_id,
                        chosen=chosen,
                        now=NOW + timedelta(seconds=k),
                        idempotency_key=key,
                    )
                )
                with lock:
                    outcomes["duplicate" if result.duplicate else "stored"] += 1
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(items,)) for items in work]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors, errors[:3]
    assert outcomes == {"stored": ANSWERS, "duplicate": ANSWERS // 10}

    with database.read() as s:
        stored = s.execute(select(Attempt.idempotency_key, Attempt.learner_id, Attempt.question_id)).all()
        assert len(stored) == ANSWERS
        assert {key for key, _, _ in stored} == {a[3] for a in answers}
        per_pair = Counter((learner, question) for _, learner, question in stored)
        reps = {(r.learner_id, r.question_id): r.reps for r in s.scalars(select(ReviewState))}
        assert reps == dict(per_pair)  # every answer updated its review state exactly once
        assert s.scalar(select(func.sum(ReviewState.reps))) == ANSWERS
