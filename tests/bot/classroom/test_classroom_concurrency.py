"""Several workers at once on one session (SQLite and PostgreSQL): every answer counted once, a question closed
once, a next question opened once, and answers racing the close either counted before it or late."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from functools import partial
from typing import Any

from bot.classroom.records import OpenQuestion, Outcome, SessionOptions
from bot.classroom.service import ClassroomService
from tests.bot.classroom.conftest import Clock, Room
from tests.racing import at_once

STUDENTS = 30
WORKERS = 12


def big_room(svc: ClassroomService) -> tuple[int, int, list[int]]:
    teacher = svc.learner_id("telegram", "teacher")
    info = svc.create_class(teacher, "Big class", "zh", "general")
    students = [svc.learner_id("telegram", f"s{i}") for i in range(STUDENTS)]
    for i, learner in enumerate(students):
        svc.join(info.id, learner, f"Student {i}")
    session = svc.start_session(info.id, teacher, SessionOptions(count=5))
    return info.id, session.id, students


def test_answers_twice_and_replayed_are_counted_once(svc: ClassroomService, clock: Clock) -> None:
    _class_id, session_id, students = big_room(svc)
    q = svc.open_next(session_id, None)
    assert q is not None
    jobs: list[Callable[[], Any]] = []
    for learner in students:  # each student's answer arrives twice (a replay), plus a changed vote
        jobs.append(partial(svc.record_answer, session_id, 0, learner, q.question.answer))
        jobs.append(partial(svc.record_answer, session_id, 0, learner, q.question.answer))
        jobs.append(partial(svc.record_answer, session_id, 0, learner, wrong(q)))
    results, errors = at_once(jobs)
    assert not errors, errors[:3]
    outcomes = Counter(r.outcome for r in results)
    assert outcomes == {Outcome.COUNTED: STUDENTS, Outcome.DUPLICATE: 2 * STUDENTS}
    assert sum(r.everyone_answered for r in results if r.outcome == Outcome.COUNTED) >= 1
    board = svc.leaderboard(session_id)
    assert sum(s.answered for s in board) == STUDENTS
    counted = {r.correct for r in results if r.outcome == Outcome.COUNTED}
    assert sum(s.right for s in board) == sum(1 for r in results if r.outcome == Outcome.COUNTED and r.correct)
    assert counted  # some answer was counted, right or wrong: whichever of a student's copies came first


def test_close_and_open_next_happen_once(svc: ClassroomService, clock: Clock) -> None:
    _class_id, session_id, _students = big_room(svc)
    q = svc.open_next(session_id, None)
    assert q is not None
    clock.tick(21)
    closes, errors = at_once([lambda: svc.close_question(session_id, 0) for _ in range(WORKERS)])
    assert not errors, errors[:3]
    assert sum(r is not None for r in closes) == 1
    opens, errors = at_once([lambda: svc.open_next(session_id, None) for _ in range(WORKERS)])
    assert [r.position for r in opens if r is not None] == [1]
    assert len(errors) == WORKERS - 1 and all("question_open" in str(e) for e in errors)


def test_answers_racing_the_close_are_counted_or_late(svc: ClassroomService, clock: Clock) -> None:
    _class_id, session_id, students = big_room(svc)
    q = svc.open_next(session_id, None)
    assert q is not None
    clock.tick(10)
    jobs: list[Callable[[], Any]] = [
        partial(svc.record_answer, session_id, 0, learner, q.question.answer) for learner in students
    ]
    jobs.insert(STUDENTS // 2, lambda: svc.close_question(session_id, 0))
    results, errors = at_once(jobs)
    assert not errors, errors[:3]
    shown = results[STUDENTS // 2]
    assert shown is not None
    answers = [r for i, r in enumerate(results) if i != STUDENTS // 2]
    counted = sum(r.outcome == Outcome.COUNTED for r in answers)
    assert counted + sum(r.outcome == Outcome.LATE for r in answers) == STUDENTS
    assert shown.answered == counted == sum(s.answered for s in svc.leaderboard(session_id))  # the reveal saw all


def wrong(q: OpenQuestion) -> tuple[int, ...]:
    return (next(i for i in range(len(q.question.zh.options)) if i not in q.question.answer),)


def test_two_teachers_racing_to_start(room: Room) -> None:
    results, errors = at_once([lambda: room.start() for _ in range(6)])
    assert sum(r is not None for r in results) == 1
    assert len(errors) == 5 and all("session_running" in str(e) for e in errors)


def test_students_racing_for_one_name(room: Room) -> None:
    svc = room.svc
    racers = [svc.learner_id("telegram", f"racer-{i}") for i in range(6)]
    results, errors = at_once([partial(svc.join, room.info.id, learner, "Same Name") for learner in racers])
    assert sum(r is not None and r.member is not None for r in results) == 1
    assert len(errors) == 5 and all("name_taken" in str(e) for e in errors)
    assert [m.display_name for m in svc.members(room.info.id)].count("Same Name") == 1
