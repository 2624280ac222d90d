"""Scoring of a classroom answer: pure functions, no database, so that the README's rules and the tests' numbers are
exactly what the sessions do.

Rules (the README's "Scoring" section says the same):

- **speed** mode, a fully right answer: ``round(1000 * (1 - (t / T) / 2))`` with ``t`` the response time clipped to
  ``[0, T]`` and ``T`` the time per question (500..1000 points; halves round up: exact integer arithmetic on
  milliseconds, no float error), plus a streak bonus of +100 per consecutive fully right answer from the second,
  capped at +500 (2nd right in a row +100, 3rd +200, ..., 6th and later +500).
- multi-select partial credit: ``credit = max(0, (right chosen - wrong chosen) / number of right options)``;
  points = ``round(speed points * credit)`` (halves up). Only a fully right answer (chosen == right) is *right*: it
  alone extends the streak and earns the bonus; anything else resets the streak.
- **accuracy** mode: 1 point per fully right answer; no speed points, no partial credit, no bonus.
- no answer, wrong answer, late answer: 0 points (never negative) and the streak resets (a late answer is not
  even stored). A skipped question neither breaks nor extends a streak (the session passes over it when it looks
  up the previous streak).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from bot.classroom.records import Mode

#: Points of a right answer given at once, and at the last moment (speed mode).
MAX_POINTS, MIN_POINTS = 1000, 500
#: Streak bonus: per consecutive right answer from the second, and its cap.
STREAK_STEP, STREAK_CAP = 100, 500


@dataclass(frozen=True)
class Score:
    """What one answer is worth."""

    correct: bool  # fully right: chosen == the right options
    credit: float  # 0-1, the share of the answer that is right (partial credit; 1 or 0 for single answers)
    points: int
    streak: int  # consecutive fully right answers up to and including this one


def round_half_up(value: Fraction) -> int:
    """The nearest integer, halves up (Python's ``round`` rounds halves to even: 999.5 would give 1000 but 998.5
    998, which no teacher could explain)."""
    return int((value + Fraction(1, 2)) // 1)


def speed_fraction(response_ms: int, seconds: int) -> Fraction:
    """``1000 * (1 - (t / T) / 2)`` exactly, with ``t`` clipped to ``[0, T]``."""
    limit = seconds * 1000
    t = min(max(response_ms, 0), limit)
    return MAX_POINTS * (1 - Fraction(t, limit) / 2)


def speed_points(response_ms: int, seconds: int) -> int:
    """Points of a fully right answer after ``response_ms`` with ``seconds`` per question: 500..1000."""
    return round_half_up(speed_fraction(response_ms, seconds))


def streak_bonus(streak: int) -> int:
    """The bonus of the ``streak``-th fully right answer in a row: 0, 100, 200, 300, 400, 500, 500, ..."""
    return min(STREAK_CAP, STREAK_STEP * max(0, streak - 1))


def credit(chosen: Iterable[int], right: Iterable[int]) -> Fraction:
    """Partial credit: ``max(0, (right chosen - wrong chosen) / number of right options)``."""
    picked, answer = set(chosen), set(right)
    if not answer:
        raise ValueError("a question has at least one right option")
    hits, misses = len(picked & answer), len(picked - answer)
    return max(Fraction(0), Fraction(hits - misses, len(answer)))


def score(
    mode: Mode | str, chosen: Iterable[int], right: Iterable[int], response_ms: int, seconds: int, previous_streak: int
) -> Score:
    """The score of one counted answer; ``previous_streak``: the student's streak after their answer to the previous
    (not skipped) question, 0 if they did not answer it."""
    picked, answer = frozenset(chosen), frozenset(right)
    share = credit(picked, answer)
    correct = picked == answer
    streak = previous_streak + 1 if correct else 0
    if Mode(mode) is Mode.ACCURACY:
        return Score(correct, float(share), int(correct), streak)
    points = round_half_up(speed_fraction(response_ms, seconds) * share)
    if correct:
        points += streak_bonus(streak)
    return Score(correct, float(share), points, streak)
