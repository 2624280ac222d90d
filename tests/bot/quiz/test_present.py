"""Typed answers, question text, feedback and the report text."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

import pytest

from bot.i18n import t
from bot.quiz.engine import FlagScore, Report
from bot.quiz.model import Audience, QuestionType
from bot.quiz.present import (
    audience_name,
    bar,
    format_feedback,
    format_question,
    format_report,
    parse_choice,
)
from bot.quiz.synthetic import synthetic_question

SINGLE = synthetic_question(1, random.Random(1), scam="police_impersonation")  # i % 3 == 1 -> true_false
MULTI = synthetic_question(2, random.Random(1), scam="phishing_link")
FOUR = synthetic_question(3, random.Random(1), scam="investment")


def test_fixture_types() -> None:
    assert SINGLE.type is QuestionType.TRUE_FALSE and MULTI.type is QuestionType.MULTI
    assert FOUR.type is QuestionType.SINGLE


@pytest.mark.parametrize(
    ("typed", "question", "indices"),
    [
        ("b", FOUR, (1,)),
        ("B", FOUR, (1,)),
        (" 选C。", FOUR, (2,)),
        ("我选 D", FOUR, (3,)),
        ("answer is a", FOUR, (0,)),
        ("A C", MULTI, (0, 2)),
        ("a,c", MULTI, (0, 2)),
        ("AC", MULTI, (0, 2)),
        ("c、a", MULTI, (0, 2)),
        ("A and D", MULTI, (0, 3)),
        ("A", SINGLE, (0,)),
    ],
    ids=["lower", "upper", "zh-prefix", "zh-wo-xuan", "en-prefix", "space", "comma", "run", "zh-comma", "and", "tf"],
)
def test_parse_choice(typed: str, question, indices: tuple[int, ...]) -> None:  # type: ignore[no-untyped-def]
    assert parse_choice(typed, question, "en").indices == indices


@pytest.mark.parametrize(
    ("typed", "question", "message"),
    [
        ("", FOUR, "option letters (A–D)"),
        ("E", FOUR, "option letters (A–D)"),
        ("C", SINGLE, "option letters (A–B)"),
        ("hello", FOUR, "option letters"),
        ("AB", FOUR, "one letter"),
    ],
    ids=["empty", "out-of-range", "tf-out-of-range", "words", "two-for-single"],
)
def test_parse_choice_problems(typed: str, question, message: str) -> None:  # type: ignore[no-untyped-def]
    choice = parse_choice(typed, question, "en")
    assert choice.indices == () and choice.problem is not None and message in choice.problem


def test_question_text_has_letters_and_heading() -> None:
    text = format_question(MULTI, "zh", 2, 5)
    assert text.startswith("第 2/5 题") and "A. " in text and "D. " in text and "多选" in text
    assert "Question 2/5" in format_question(MULTI, "en", 2, 5)


def test_feedback_teaches() -> None:
    wrong = format_feedback(FOUR, False, "en")
    assert "The answer:" in wrong and FOUR.en.explanation in wrong
    assert format_feedback(FOUR, True, "zh").startswith("✅")


def test_bar() -> None:
    assert bar(0) == "░" * 10 and bar(1) == "█" * 10 and bar(0.5) == "█" * 5 + "░" * 5


def test_report_text() -> None:
    report = Report(
        learner_id=1,
        mastery={"investment": 0.1, "police_impersonation": 0.8},
        attempts=10,
        correct=7,
        streak=2,
        best_streak=4,
        practice_days=3,
        due_now=2,
        next_due=datetime(2026, 11, 22, tzinfo=UTC),
        weakest_red_flags=[FlagScore("safe_account", 3, 1)],
    )
    text = format_report(report, "en")
    assert "10 answers, 70% right" in text and "Due for review: 2." in text
    assert "There is no such thing as a “safe account”" in text  # the flag's truth, from the knowledge base
    zh = format_report(report, "zh")
    assert "正确率 70%" in zh and "冒充公检法" in zh
    empty = Report(1, {}, 0, 0, 0, 0, 0, 0, None)
    assert "quiz me" in format_report(empty, "en")


def report_of(attempts: int = 10, days: int = 3, due_now: int = 2, next_due: datetime | None = None) -> Report:
    return Report(
        learner_id=1,
        mastery={"investment": 0.1},
        attempts=attempts,
        correct=attempts // 2,
        streak=1,
        best_streak=1,
        practice_days=days,
        due_now=due_now,
        next_due=next_due,
    )


@pytest.mark.parametrize(
    ("attempts", "days", "en", "zh"),
    [
        (
            1,
            1,
            "1 answer, 0% right, 1 right in a row (best 1), 1 day in a row.",
            "答题 1 次，正确率 0%，连续答对 1 题（最佳 1），连续学习 1 天。",
        ),
        (
            2,
            3,
            "2 answers, 50% right, 1 right in a row (best 1), 3 days in a row.",
            "答题 2 次，正确率 50%，连续答对 1 题（最佳 1），连续学习 3 天。",
        ),
    ],
    ids=["one", "several"],
)
def test_report_counts_have_plural_forms(attempts: int, days: int, en: str, zh: str) -> None:
    report = report_of(attempts, days)
    assert en in format_report(report, "en").splitlines()
    assert zh in format_report(report, "zh").splitlines()


NEXT = datetime(2026, 11, 22, 1, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("tz", "shown"),
    [
        (ZoneInfo("Asia/Shanghai"), "2026-11-22 09:30 CST"),
        (ZoneInfo("Europe/London"), "2026-11-22 01:30 GMT"),
        (ZoneInfo("America/New_York"), "2026-11-21 20:30 EST"),
        (UTC, "2026-11-22 01:30 UTC"),
        (timezone(timedelta(hours=-5)), "2026-11-21 20:30 UTC-05:00"),  # a zone with no name: its offset
    ],
    ids=["shanghai", "london", "new-york", "utc", "offset-only"],
)
def test_next_review_in_the_learners_zone(tz: tzinfo, shown: str) -> None:
    report = report_of(due_now=0, next_due=NEXT)
    assert f"Next review: {shown}." in format_report(report, "en", tz=tz)
    assert f"下次复习：{shown}。" in format_report(report, "zh", tz=tz)


def test_next_review_naive_time_is_utc() -> None:
    report = report_of(due_now=0, next_due=NEXT.replace(tzinfo=None))
    assert "Next review: 2026-11-22 09:30 CST." in format_report(report, "en", tz=ZoneInfo("Asia/Shanghai"))


def test_next_review_default_zone_is_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.settings import settings

    monkeypatch.setenv("ANTIFRAUD_TIMEZONE", "Europe/Berlin")
    settings.cache_clear()
    try:
        assert "Next review: 2026-11-22 02:30 CET." in format_report(report_of(due_now=0, next_due=NEXT), "en")
    finally:
        settings.cache_clear()


@pytest.mark.parametrize("audience", list(Audience), ids=[a.value for a in Audience])
def test_audience_names_from_the_catalog(audience: Audience) -> None:
    assert audience_name(audience, "zh") == t(f"quiz.audience_{audience.value}", "zh")
    assert audience_name(audience.value, "en") == t(f"quiz.audience_{audience.value}", "en")
    assert audience_name(audience, "zh") != audience_name(audience, "en")
