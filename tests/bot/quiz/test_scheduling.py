"""FSRS use and the mastery formula (bot.quiz.scheduling)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fsrs import Rating

from bot.quiz import scheduling

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


def test_rating() -> None:
    assert scheduling.rating(False, 1000) is Rating.Again
    assert scheduling.rating(True, 1000) is Rating.Good
    assert scheduling.rating(True, None) is Rating.Good
    assert scheduling.rating(True, scheduling.SLOW_MS + 1) is Rating.Hard


@pytest.mark.parametrize("days", [0, 1, 3, 10, 45, 400])
def test_retrievability_matches_the_library(days: int) -> None:
    card = scheduling.review(scheduling.new_card(NOW), True, 2000, NOW)
    later = NOW + timedelta(days=days)
    expected = scheduling.SCHEDULER.get_card_retrievability(card, later)
    assert scheduling.retrievability(card.stability, card.last_review, later) == pytest.approx(expected)


def test_schedule_is_reproducible_and_reads_no_clock() -> None:
    a = scheduling.review(scheduling.new_card(NOW), True, 2000, NOW)
    b = scheduling.review(scheduling.new_card(NOW), True, 2000, NOW)
    assert a.due == b.due and a.due - NOW >= timedelta(days=1)
    wrong = scheduling.review(scheduling.new_card(NOW), False, 2000, NOW)
    assert wrong.due - NOW == timedelta(minutes=10)


@pytest.mark.parametrize(
    ("scores", "available", "expected"),
    [
        ([], 10, 0.0),
        ([1.0], 10, 0.2),  # one right answer is not mastery: 5 needed
        ([1.0] * 5, 10, 1.0),
        ([1.0, 1.0, 1.0, 1.0, 0.0], 10, 0.8),  # a wrong latest answer counts 0
        ([1.0] * 3, 3, 1.0),  # fewer than 5 questions exist: all of them is enough
        ([0.5] * 6, 10, 0.5),  # faded recall
    ],
    ids=["none", "one", "five", "one-wrong", "small-pool", "faded"],
)
def test_mastery_formula(scores: list[float], available: int, expected: float) -> None:
    assert scheduling.mastery(scores, available) == pytest.approx(expected)
