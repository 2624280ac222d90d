"""The quiz service as the chat layers use it: rounds, resuming, answering once, stopping, reports, bank sync."""

from __future__ import annotations

import itertools
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.db import Database
from bot.db.models import Attempt
from bot.quiz.bank import BANKS_DIR, load_banks
from bot.quiz.service import QuizService, sync_banks

START = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def tick(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def service(database: Database, clock: Clock) -> QuizService:
    seeds = itertools.count(1)
    quiz = QuizService(database, clock=clock, seeds=lambda: next(seeds), round_size=3)
    quiz.prepare()
    return quiz


def test_prepare_imports_the_shipped_banks_once(service: QuizService) -> None:
    with service.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Attempt)) == 0
    assert service.prepare() is None  # nothing changed: no import


def test_sync_imports_again_when_a_bank_changes(database: Database, tmp_path: Path) -> None:
    banks = tmp_path / "quizzes"
    shutil.copytree(BANKS_DIR, banks)
    assert sync_banks(database, banks, now=START) is not None
    general = len(load_banks(banks / "general.yml").questions)
    (banks / "general.yml").unlink()
    result = sync_banks(database, banks, now=START + timedelta(days=1))
    assert result is not None and result.retired == general


def test_a_round_with_response_times(service: QuizService, clock: Clock, database: Database) -> None:
    first = service.start("telegram", "42", lang="en")
    assert first is not None and first.position == 1
    clock.tick(7.5)
    done = service.answer("telegram", "42", first, first.question.answer)
    assert done.result.correct and done.next is not None and (done.right, done.total) == (1, 1)
    with database.read() as s:
        assert s.scalar(select(Attempt.response_ms)) == 7500
    second = done.next
    done = service.answer("telegram", "42", second, [(second.question.answer[0] + 1) % len(second.question.zh.options)])
    assert not done.result.correct
    third = done.next
    assert third is not None
    done = service.answer("telegram", "42", third, third.question.answer)
    assert done.next is None and (done.right, done.total, done.size) == (2, 3, 3)  # round over
    assert service.pending("telegram", "42") is None
    report = service.report("telegram", "42")
    assert report is not None and report.attempts == 3


def test_start_resumes_the_waiting_question(service: QuizService) -> None:
    first = service.start("chat", "s1", lang="zh")
    again = service.start("chat", "s1", lang="zh")
    assert again == first
    fresh = service.start("chat", "s1", lang="zh", resume=False)
    assert fresh is not None and fresh.run_id != first.run_id


def test_the_same_answer_twice_is_stored_once(service: QuizService, database: Database) -> None:
    first = service.start("chat", "s2")
    one = service.answer("chat", "s2", first, [0])
    two = service.answer("chat", "s2", first, [1])  # a replay of the same question's answer
    assert not one.result.duplicate and two.result.duplicate and two.result.chosen == (0,)
    assert two.next == one.next  # still waiting on the same next question
    with database.read() as s:
        assert s.scalar(select(func.count()).select_from(Attempt)) == 1


def test_another_learners_question_is_refused(service: QuizService) -> None:
    from bot.quiz.engine import QuizError

    mine = service.start("chat", "a")
    with pytest.raises(QuizError):
        service.answer("chat", "b", mine, [0])


def test_stop(service: QuizService) -> None:
    assert service.stop("chat", "nobody") is False
    service.start("chat", "s3")
    assert service.stop("chat", "s3") is True
    assert service.pending("chat", "s3") is None


def test_profile(service: QuizService) -> None:
    new = service.profile("cli", "pat", lang="en", audiences=["parent"])
    assert new.is_new and new.audiences == ("parent",) and new.lang == "en"
    again = service.profile("cli", "pat")
    assert not again.is_new and again.audiences == ("parent",)


def test_the_round_size_is_the_setting_unless_given(sqlite_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.settings import settings

    monkeypatch.setenv("ANTIFRAUD_ROUND_SIZE", "7")
    settings.cache_clear()
    try:
        assert QuizService(sqlite_db).round_size == 7
        assert QuizService(sqlite_db, round_size=3).round_size == 3
    finally:
        monkeypatch.delenv("ANTIFRAUD_ROUND_SIZE")
        settings.cache_clear()
    assert QuizService(sqlite_db).round_size == settings().round_size
