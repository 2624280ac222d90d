"""Typed answers, question text, feedback and the report text."""

from __future__ import annotations

import random
from datetime import datetime, timezone

import pytest

from bot.quiz.engine import FlagScore, Report
from bot.quiz.model import QuestionType
from bot.quiz.present import (
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
        learner_id=1, mastery={"investment": 0.1, "police_impersonation": 0.8}, attempts=10, correct=7, streak=2,
        best_streak=4, practice_days=3, due_now=2, next_due=datetime(2026, 11, 22, tzinfo=timezone.utc),
        weakest_red_flags=[FlagScore("safe_account", 3, 1)],
    )
    text = format_report(report, "en")
    assert "10 answers, 70% right" in text and "Due for review: 2." in text
    assert "There is no such thing as a “safe account”" in text  # the flag's truth, from the knowledge base
    zh = format_report(report, "zh")
    assert "正确率 70%" in zh and "冒充公检法" in zh
    empty = Report(1, {}, 0, 0, 0, 0, 0, 0, None)
    assert "quiz me" in format_report(empty, "en")
