"""The quiz engine on a real database (each test on SQLite and on PostgreSQL): import, answers, scheduling, reports."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.db import Database
from bot.db.models import Attempt, Learner, Question, QuizRun, ReviewState, RunItem
from bot.quiz import engine
from bot.quiz.bank import Banks
from bot.quiz.engine.common import question_record
from bot.quiz.engine.reports import mastery as mastery_of
from bot.quiz.model import Bank
from bot.quiz.synthetic import synthetic_question

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


def make_banks(spec: list[tuple[str, tuple[str, ...]]], bank: str = "t", seed: int = 1) -> Banks:
    """One question per (scam type, audiences) entry."""
    rng = random.Random(seed)
    questions = tuple(synthetic_question(i, rng, bank, scam, aud) for i, (scam, aud) in enumerate(spec, 1))
    return Banks((Bank(bank, "测试", "Test", "<test>", questions),))


SPEC = (
    [("police_impersonation", ("general",))] * 4
    + [("phishing_link", ("parent",))] * 4
    + [("investment", ("elderly",))] * 4
    + [("fake_shopping", ("online_shopper",))] * 4
)


@pytest.fixture
def db(database: Database) -> Database:
    with database.write() as s:
        engine.import_banks(s, make_banks(SPEC), now=NOW)
    return database


def learner(db: Database, name: str = "ann", audiences: tuple[str, ...] = ()) -> int:
    with db.write() as s:
        return engine.ensure_learner(s, "cli", name, now=NOW, lang="en", audiences=audiences).id


def answer(db: Database, learner_id: int, served: engine.Served, right: bool, now: datetime, key: str | None = None):
    q = served.question
    chosen = q.answer if right else tuple(i for i in range(len(q.zh.options)) if i not in q.answer)[:1]
    with db.write() as s:
        return engine.record_answer(
            s,
            learner_id=learner_id,
            question_id=q.id,
            chosen=chosen,
            now=now,
            idempotency_key=key or f"{served.run_id}:{served.position}",
            run_id=served.run_id,
        )


def serve_round(db: Database, learner_id: int, seed: int, size: int | None, now: datetime, right: bool = True):
    with db.write() as s:
        run = engine.start_run(s, s.get(Learner, learner_id), now=now, seed=seed, size=size)
        run_id = run.id
    served_all = []
    while True:
        with db.write() as s:
            run = s.get(QuizRun, run_id)
            served = engine.next_question(s, run, now=now)
        if served is None:
            return served_all
        served_all.append(served)
        answer(db, learner_id, served, right, now)


# --- import


def test_import_is_idempotent(db: Database) -> None:
    with db.write() as s:
        result = engine.import_banks(s, make_banks(SPEC), now=NOW)
    assert (result.added, result.updated, result.unchanged, result.retired) == (0, 0, len(SPEC), 0)


def test_reimport_updates_in_place_and_retires_removed_questions_keeping_attempts(db: Database) -> None:
    ann = learner(db)
    served = serve_round(db, ann, seed=1, size=16, now=NOW)
    assert len(served) == 16
    changed = make_banks(SPEC[:-2], seed=2)  # different answers/flags for the same ids, two questions gone
    with db.write() as s:
        result = engine.import_banks(s, changed, now=NOW + timedelta(days=1))
    assert result.retired == 2 and result.added == 0 and result.updated + result.unchanged == len(SPEC) - 2
    with db.read() as s:
        retired = s.scalars(select(Question).where(Question.retired_at.is_not(None))).all()
        assert {q.id for q in retired} == {"t_00015", "t_00016"}
        assert s.scalar(select(func.count()).select_from(Attempt)) == 16  # attempts kept
        assert engine.stats(s)["questions"] == len(SPEC) - 2
    with db.write() as s:  # the question comes back
        assert engine.import_banks(s, make_banks(SPEC), now=NOW + timedelta(days=2)).restored == 2


def test_partial_import_retires_only_within_its_banks(db: Database) -> None:
    other = Banks((Bank("o", "另一个", "Other", "<o>", (synthetic_question(1, random.Random(3), "o"),)),))
    with db.write() as s:
        result = engine.import_banks(s, other, now=NOW, partial=True)
        assert (result.added, result.retired) == (1, 0)
        assert engine.import_banks(s, other, now=NOW).retired == len(SPEC)  # a full import of only "o"


def test_failed_import_leaves_the_database_as_it_was(db: Database) -> None:
    bad = make_banks([*SPEC, ("verification_code", ("general",))])

    class Boom(Exception):
        pass

    with pytest.raises(Boom), db.write() as s:
        engine.import_banks(s, bad, now=NOW)
        raise Boom
    with db.read() as s:
        assert engine.stats(s)["questions"] == len(SPEC)


def test_stats(db: Database) -> None:
    with db.read() as s:
        stats = engine.stats(s)
    assert stats["questions"] == 16
    assert stats["by_scam_type"]["police_impersonation"] == 4 and stats["by_scam_type"]["fake_loan"] == 0
    assert stats["by_audience"]["parent"] == 4
    assert stats["languages"] == ["zh", "en"]


# --- answers


def test_same_idempotency_key_is_stored_once(db: Database) -> None:
    ann = learner(db)
    served = serve_round(db, ann, seed=1, size=1, now=NOW)[0]  # answered with key run:position
    again = answer(db, ann, served, right=False, now=NOW + timedelta(minutes=1))
    assert again.duplicate and again.correct  # the first answer stands
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Attempt)) == 1
        state = s.get(ReviewState, (ann, served.question_id))
        assert state is not None and state.reps == 1


def test_answer_validation(db: Database) -> None:
    ann = learner(db)
    with db.write() as s:
        with pytest.raises(engine.QuizError, match="out of range"):
            engine.record_answer(s, learner_id=ann, question_id="t_00001", chosen=[7], now=NOW, idempotency_key="a")
        with pytest.raises(engine.QuizError, match="unknown question"):
            engine.record_answer(s, learner_id=ann, question_id="nope", chosen=[0], now=NOW, idempotency_key="b")
        with pytest.raises(engine.QuizError, match="idempotency key"):
            engine.record_answer(s, learner_id=ann, question_id="t_00001", chosen=[0], now=NOW, idempotency_key="")


def test_wrong_answer_comes_back_first_when_due(db: Database) -> None:
    ann = learner(db)
    first = serve_round(db, ann, seed=5, size=1, now=NOW, right=False)[0]
    # The next round, 10 minutes later (FSRS relearning step): the missed question is due and served first.
    later = serve_round(db, ann, seed=6, size=2, now=NOW + timedelta(minutes=11))
    assert later[0].question_id == first.question_id and later[0].reason == "due"
    # Not yet due 5 minutes after: a new question instead.
    ben = learner(db, "ben")
    missed = serve_round(db, ben, seed=5, size=1, now=NOW, right=False)[0]
    early = serve_round(db, ben, seed=6, size=1, now=NOW + timedelta(minutes=5))
    assert early[0].question_id != missed.question_id and early[0].reason == "new"


def test_right_answer_is_scheduled_days_later(db: Database) -> None:
    ann = learner(db)
    served = serve_round(db, ann, seed=5, size=1, now=NOW)[0]
    with db.read() as s:
        state = s.get(ReviewState, (ann, served.question_id))
        assert state is not None and state.due - NOW >= timedelta(days=1)


def test_weakest_type_is_asked_next(db: Database) -> None:
    ann = learner(db)
    # Master police (4 right), leave the rest untouched, then miss one phishing question.
    with db.write() as s:
        for i, qid in enumerate(["t_00001", "t_00002", "t_00003", "t_00004"]):
            q = question_record(s.get(Question, qid))
            engine.record_answer(s, learner_id=ann, question_id=qid, chosen=q.answer, now=NOW, idempotency_key=f"p{i}")
    with db.read() as s:
        mastery = mastery_of(s, s.get(Learner, ann), now=NOW)
    assert mastery["police_impersonation"] == pytest.approx(4 / 4)  # 4 right of 4 available (< 5 evidence)
    assert all(v == 0 for k, v in mastery.items() if k != "police_impersonation")
    served = serve_round(db, ann, seed=9, size=3, now=NOW)
    assert all(s.question.scam_type.value != "police_impersonation" for s in served)
    assert {s.reason for s in served} == {"new"}


def test_no_repeat_within_a_run_and_the_pool_runs_out(db: Database) -> None:
    ann = learner(db)
    served = serve_round(db, ann, seed=3, size=None, now=NOW, right=False)  # wrong answers: all due again soon
    ids = [s.question_id for s in served]
    assert len(ids) == len(set(ids)) == len(SPEC)
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(RunItem)) == len(SPEC)


def test_audiences_narrow_the_pool_and_general_is_for_everyone(db: Database) -> None:
    parent = learner(db, "pat", ("parent",))
    served = serve_round(db, parent, seed=3, size=None, now=NOW)
    assert Counter(s.question.scam_type.value for s in served) == {"police_impersonation": 4, "phishing_link": 4}


def test_focus_limits_a_run_to_one_scam_type(db: Database) -> None:
    ann = learner(db)
    with db.write() as s:
        run = engine.start_run(s, s.get(Learner, ann), now=NOW, seed=1, focus="investment")
        types = {engine.next_question(s, run, now=NOW).question.scam_type.value for _ in range(4)}
        assert types == {"investment"} and engine.next_question(s, run, now=NOW) is None
        with pytest.raises(engine.QuizError):
            engine.start_run(s, s.get(Learner, ann), now=NOW, seed=1, focus="not_a_type")


def test_deterministic_under_a_seed(database: Database) -> None:
    with database.write() as s:
        engine.import_banks(s, make_banks(SPEC), now=NOW)
    a = [s.question_id for s in serve_round(database, learner(database, "a"), seed=42, size=8, now=NOW)]
    b = [s.question_id for s in serve_round(database, learner(database, "b"), seed=42, size=8, now=NOW)]
    c = [s.question_id for s in serve_round(database, learner(database, "c"), seed=43, size=8, now=NOW)]
    assert a == b
    assert a != c


def test_report(db: Database) -> None:
    ann = learner(db)
    rights = [True, True, False, True, True, True]
    with db.write() as s:
        run = engine.start_run(s, s.get(Learner, ann), now=NOW, seed=4)
        run_id = run.id
    for day, right in enumerate(rights):
        when = NOW + timedelta(days=day)
        with db.write() as s:
            served = engine.next_question(s, s.get(QuizRun, run_id), now=when)
        answer(db, ann, served, right, when)
    end = NOW + timedelta(days=len(rights) - 1, hours=1)
    with db.read() as s:
        report = engine.report(s, s.get(Learner, ann), now=end)
    assert (report.attempts, report.correct, report.streak, report.best_streak) == (6, 5, 3, 3)
    assert report.practice_days == 6
    assert report.accuracy == pytest.approx(5 / 6)
    assert list(report.mastery.values()) == sorted(report.mastery.values())  # weakest first
    assert set(report.mastery) == {"police_impersonation", "phishing_link", "investment", "fake_shopping"}
    assert report.weakest_red_flags and report.weakest_red_flags[0].accuracy < 1
    assert report.to_dict()["attempts"] == 6
    assert report.due_now >= 1  # the missed question (10-minute relearning step) is due


def test_when_every_question_was_answered_the_least_remembered_comes_first(db: Database) -> None:
    ann = learner(db)
    serve_round(db, ann, seed=1, size=None, now=NOW)  # all 16 answered right: reviews days away
    later = NOW + timedelta(hours=1)
    again = serve_round(db, ann, seed=2, size=3, now=later)
    assert [s.reason for s in again] == ["weak"] * 3
    assert len({s.question_id for s in again}) == 3
