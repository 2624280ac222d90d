"""The scoring rules, number by number: the README's "Scoring" section states exactly these."""

from __future__ import annotations

from fractions import Fraction

import pytest

from bot.classroom.records import Mode
from bot.classroom.scoring import Score, credit, round_half_up, score, speed_points, streak_bonus


@pytest.mark.parametrize(
    ("response_ms", "seconds", "points"),
    [
        (0, 20, 1000),
        (-50, 20, 1000),  # clipped to 0
        (10_000, 20, 750),
        (20_000, 20, 500),
        (25_000, 20, 500),  # clipped to T
        (5_000, 10, 750),
        (1, 20, 1000),  # 999.975
        (20, 20, 1000),  # exactly 999.5: halves up
        (60, 20, 999),  # 998.5 -> 999 (Python's round would give 998)
        (3_333, 20, 917),  # 916.675
        (119_999, 120, 500),  # 500.004...
    ],
    ids=[
        "instant",
        "negative",
        "half",
        "at-limit",
        "after-limit",
        "10s-half",
        "1ms",
        "half-up-999.5",
        "half-up-998.5",
        "3.333s",
        "last-ms-of-120s",
    ],
)
def test_speed_points(response_ms: int, seconds: int, points: int) -> None:
    assert speed_points(response_ms, seconds) == points


@pytest.mark.parametrize(
    ("streak", "bonus"),
    [(0, 0), (1, 0), (2, 100), (3, 200), (4, 300), (5, 400), (6, 500), (7, 500), (30, 500)],
    ids=lambda v: str(v),
)
def test_streak_bonus(streak: int, bonus: int) -> None:
    assert streak_bonus(streak) == bonus


@pytest.mark.parametrize(
    ("chosen", "right", "share"),
    [
        ({0, 2}, {0, 2}, Fraction(1)),
        ({0}, {0, 2}, Fraction(1, 2)),
        ({0, 1}, {0, 2}, Fraction(0)),  # one right, one wrong
        ({0, 1, 3}, {0, 2}, Fraction(0)),  # never below 0
        ({0, 1}, {0, 1, 2}, Fraction(2, 3)),
        ({0, 1, 3}, {0, 1, 2}, Fraction(1, 3)),
        ({1}, {0}, Fraction(0)),
        ({0}, {0}, Fraction(1)),
    ],
    ids=[
        "all",
        "half",
        "one-each",
        "floor-zero",
        "two-of-three",
        "two-right-one-wrong",
        "single-wrong",
        "single-right",
    ],
)
def test_partial_credit(chosen: set[int], right: set[int], share: Fraction) -> None:
    assert credit(chosen, right) == share


@pytest.mark.parametrize(
    ("mode", "chosen", "right", "ms", "previous", "expected"),
    [
        (Mode.SPEED, (0,), (0,), 10_000, 0, Score(True, 1.0, 750, 1)),
        (Mode.SPEED, (0,), (0,), 10_000, 1, Score(True, 1.0, 850, 2)),
        (Mode.SPEED, (0,), (0,), 0, 2, Score(True, 1.0, 1200, 3)),
        (Mode.SPEED, (0,), (0,), 20_000, 9, Score(True, 1.0, 1000, 10)),  # 500 + capped 500
        (Mode.SPEED, (1,), (0,), 0, 5, Score(False, 0.0, 0, 0)),
        (Mode.SPEED, (0,), (0, 2), 0, 3, Score(False, 0.5, 500, 0)),  # partial: no bonus, streak resets
        (Mode.SPEED, (0, 1), (0, 1, 2), 10_000, 0, Score(False, 2 / 3, 500, 0)),  # 750 * 2/3
        (Mode.SPEED, (0, 1), (0, 1, 2), 1_000, 0, Score(False, 2 / 3, 650, 0)),  # 975 * 2/3 = 650
        (Mode.SPEED, (0, 2), (0, 2), 0, 1, Score(True, 1.0, 1100, 2)),
        (Mode.ACCURACY, (0,), (0,), 19_000, 4, Score(True, 1.0, 1, 5)),  # no speed, no bonus
        (Mode.ACCURACY, (0,), (0, 2), 0, 0, Score(False, 0.5, 0, 0)),  # no partial credit
        (Mode.ACCURACY, (1,), (0,), 0, 2, Score(False, 0.0, 0, 0)),
    ],
    ids=[
        "first-right",
        "second-in-row",
        "third-in-row-instant",
        "bonus-capped",
        "wrong-resets",
        "partial-half",
        "partial-two-thirds",
        "partial-rounds",
        "multi-fully-right",
        "accuracy-right",
        "accuracy-partial",
        "accuracy-wrong",
    ],
)
def test_score(
    mode: Mode, chosen: tuple[int, ...], right: tuple[int, ...], ms: int, previous: int, expected: Score
) -> None:
    got = score(mode, chosen, right, ms, 20, previous)
    assert (got.correct, got.points, got.streak) == (expected.correct, expected.points, expected.streak)
    assert got.credit == pytest.approx(expected.credit)


def test_round_half_up() -> None:
    assert [round_half_up(Fraction(n, 2)) for n in (1, 3, 5, -1)] == [1, 2, 3, 0]


def test_a_question_without_a_right_option_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one right option"):
        credit({0}, set())
