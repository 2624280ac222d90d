"""Spaced repetition with FSRS (the ``fsrs`` library) and the mastery formula. Pure functions; time is passed in.

Rating of an answer
    wrong -> Again; right -> Good; right but slower than :data:`SLOW_MS` -> Hard.

Scheduler settings
    one 10-minute learning step and one 10-minute relearning step (a missed question comes back in the next
    sitting), desired retention 0.9, no fuzzing (so that schedules are reproducible).

Mastery of a scam type T for a learner, from 0 to 1::

    mastery(T) = sum over answered questions q of T of [last answer to q right] * R_q(now)
                 / max(answered(T), min(MASTERY_EVIDENCE, available(T)))

where ``R_q(now)`` is FSRS's retrievability of q at ``now`` (the predicted probability of recalling it: 1 right
after a review, decaying with time at a rate set by the question's stability), ``answered(T)`` the number of
distinct questions of T the learner has answered, and ``available(T)`` the number of questions of T in the
learner's pool. So: a wrong latest answer counts 0 until it is answered right again; mastery fades if not practised;
and full mastery needs at least ``MASTERY_EVIDENCE`` (5) different questions answered right, so one lucky answer
gives 0.2, not 1.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fsrs import Card, Rating, Scheduler, State

SLOW_MS = 60_000
MASTERY_EVIDENCE = 5

SCHEDULER = Scheduler(
    learning_steps=(timedelta(minutes=10),),
    relearning_steps=(timedelta(minutes=10),),
    desired_retention=0.9,
    enable_fuzzing=False,
)
DECAY = -SCHEDULER.parameters[20]
FACTOR = 0.9 ** (1 / DECAY) - 1


def rating(correct: bool, response_ms: int | None) -> Rating:
    if not correct:
        return Rating.Again
    if response_ms is not None and response_ms > SLOW_MS:
        return Rating.Hard
    return Rating.Good


def new_card(now: datetime) -> Card:
    """A card never reviewed (card_id fixed: the library would otherwise read the clock to make one)."""
    return Card(card_id=1, state=State.Learning, step=0, due=now)


def review(card: Card, correct: bool, response_ms: int | None, now: datetime) -> Card:
    updated, _log = SCHEDULER.review_card(card, rating(correct, response_ms), now)
    return updated


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def day_number(moment: datetime) -> float:
    """Days since 1970-01-01 UTC, with the time of day as the fraction (what the database computes recall from)."""
    return (moment - EPOCH).total_seconds() / 86400.0


def retrievability(stability: float | None, last_review: datetime | None, now: datetime) -> float:
    """FSRS retrievability, as ``Scheduler.get_card_retrievability`` computes it, without building a Card."""
    if stability is None or last_review is None:
        return 0.0
    elapsed_days = max(0, (now - last_review).days)
    return (1 + FACTOR * elapsed_days / stability) ** DECAY


def mastery(scores: list[float], available: int) -> float:
    """``scores``: per answered question of the type, ``[last right] * R(now)``; see the module docstring."""
    return mastery_of(len(scores), sum(scores), available)


def mastery_of(answered: int, total: float, available: int) -> float:
    """The formula from the number of answered questions and the sum of their scores (the database sums them)."""
    if not answered:
        return 0.0
    return min(1.0, total / max(answered, min(MASTERY_EVIDENCE, max(available, 1))))
