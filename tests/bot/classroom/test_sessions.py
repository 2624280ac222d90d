"""A live session through the service: lobby, questions, answers with every outcome, closing once, the ticker's
due list, skip, pause and resume, the end and the leaderboard, the projector's view and version, the polls."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.classroom.records import ClassroomError, Delivery, Mode, OpenQuestion, Outcome, Phase, SessionOptions
from bot.classroom.service import ClassroomService
from bot.db.models import Attempt, ReviewState
from tests.bot.classroom.conftest import Clock, Room


def wrong(q: OpenQuestion) -> tuple[int, ...]:
    """A fully wrong answer: one option that is not right."""
    return (next(i for i in range(len(q.question.zh.options)) if i not in q.question.answer),)


def opened(svc: ClassroomService, session_id: int, teacher: int | None) -> OpenQuestion:
    q = svc.open_next(session_id, teacher)
    assert q is not None
    return q


def test_start_checks_the_teacher_the_group_and_one_running_session(room: Room) -> None:
    svc = room.svc
    with pytest.raises(ClassroomError, match="not_teacher"):
        svc.start_session(room.info.id, room.students[0], SessionOptions(count=5))
    with pytest.raises(ClassroomError, match="no_group"):
        room.start(delivery=Delivery.GROUP)
    session_id = room.start()
    info = svc.session(session_id)
    assert (info.phase, info.position, info.size, info.seconds, info.mode) == (Phase.LOBBY, None, 5, 20, Mode.SPEED)
    assert info.teacher_id == room.teacher and info.class_name == "Class 7B" and info.lang == "en"
    assert svc.running_session(room.info.id) == info
    assert svc.session_by_token(info.projector_token) == info
    with pytest.raises(ClassroomError, match="session_running"):
        room.start()
    with pytest.raises(ClassroomError, match="unknown_session"):
        svc.session_by_token("no-such-token")


def test_a_whole_session_scores_speed_and_streaks(room: Room, clock: Clock) -> None:
    svc, (ann, bob, cai) = room.svc, room.students
    session_id = room.start()
    first = opened(svc, session_id, room.teacher)
    assert first.position == 0 and first.opened_at == clock.now
    assert (first.closes_at - first.opened_at).total_seconds() == 20
    assert svc.current_question(session_id) == first
    clock.tick(5)  # Ann: right at 5 s of 20 -> 875
    assert svc.record_answer(session_id, 0, ann, first.question.answer).points == 875
    clock.tick(5)  # Bob: wrong at 10 s
    got = svc.record_answer(session_id, 0, bob, wrong(first))
    assert (got.outcome, got.correct, got.points, got.everyone_answered) == (Outcome.COUNTED, False, 0, False)
    clock.tick(10)  # Cai: right at exactly 20 s -> 500, and everyone has answered
    got = svc.record_answer(session_id, 0, cai, first.question.answer)
    assert (got.points, got.everyone_answered, got.response_ms, got.streak) == (500, True, 20_000, 1)
    assert svc.due() == [(session_id, 0)]
    shown = svc.close_question(session_id, 0)
    assert shown is not None and shown.answered == 3 and shown.members == 3 and shown.right == first.question.answer
    assert sum(shown.counts) == 2 * len(first.question.answer) + 1
    assert shown.misconception == wrong(first)[0]  # Bob's wrong option: the class's misconception
    assert [s.display_name for s in shown.top] == ["Ann", "Cai", "Bob"]
    assert svc.close_question(session_id, 0) is None  # closed once
    assert svc.session(session_id).phase == Phase.REVEAL and svc.current_question(session_id) is None

    second = svc.open_next(session_id, None, after=0)  # the ticker moves on after the question it closed
    assert second is not None
    clock.tick(0.5)  # Ann right again at 0.5 s: 988 (987.5 rounds up) + streak bonus 100
    assert svc.record_answer(session_id, 1, ann, second.question.answer).points == 988 + 100
    assert svc.record_answer(session_id, 1, ann, wrong(second)).outcome == Outcome.DUPLICATE  # the first counts
    clock.tick(30)  # after closes_at: late, not counted
    assert svc.record_answer(session_id, 1, bob, second.question.answer).outcome == Outcome.LATE
    assert svc.due() == [(session_id, 1)]
    svc.close_question(session_id, 1)
    assert svc.record_answer(session_id, 1, cai, second.question.answer).outcome == Outcome.LATE
    board = svc.leaderboard(session_id)
    assert [(s.display_name, s.points, s.right, s.answered) for s in board] == [
        ("Ann", 875 + 1088, 2, 2),
        ("Cai", 500, 1, 1),
        ("Bob", 0, 0, 1),
    ]
    final = svc.end(session_id, room.teacher)
    assert final == svc.leaderboard(session_id) and [s.rank for s in final] == [1, 2, 3]
    assert svc.session(session_id).phase == Phase.ENDED and svc.running_session(room.info.id) is None
    assert svc.end(session_id, room.teacher) == final  # again: the same standings
    with pytest.raises(ClassroomError, match="session_ended"):
        svc.open_next(session_id, room.teacher)
    room.start()  # the class can run a new session


def test_outcomes_of_odd_answers(room: Room, clock: Clock) -> None:
    svc, ann = room.svc, room.students[0]
    session_id = room.start()
    assert svc.record_answer(session_id, 0, ann, (0,)).outcome == Outcome.NO_QUESTION  # lobby: nothing open
    q = opened(svc, session_id, room.teacher)
    stranger = svc.learner_id("telegram", "stranger")
    assert svc.record_answer(session_id, 0, stranger, (0,)).outcome == Outcome.NOT_MEMBER
    assert svc.record_answer(session_id, 3, ann, (0,)).outcome == Outcome.NO_QUESTION  # not open yet
    assert svc.record_answer(999, 0, ann, (0,)).outcome == Outcome.NO_QUESTION
    assert svc.record_answer(session_id, 0, ann, ()).outcome == Outcome.RETRACTED
    with pytest.raises(ClassroomError, match="bad_answer"):
        svc.record_answer(session_id, 0, ann, (len(q.question.zh.options),))
    assert svc.record_answer(session_id, 0, ann, q.question.answer).outcome == Outcome.COUNTED
    assert svc.record_answer(session_id, 0, ann, ()).outcome == Outcome.RETRACTED  # a retracted vote changes nothing
    svc.remove(room.info.id, room.teacher, "Bob")
    assert svc.record_answer(session_id, 0, room.students[1], q.question.answer).outcome == Outcome.NOT_MEMBER


def test_answers_feed_the_quiz_engine_once(room: Room, clock: Clock) -> None:
    svc, ann = room.svc, room.students[0]
    session_id = room.start()
    q = opened(svc, session_id, room.teacher)
    clock.tick(3)
    svc.record_answer(session_id, 0, ann, q.question.answer)
    svc.record_answer(session_id, 0, ann, q.question.answer)
    with svc.db.read() as s:
        attempts = s.execute(select(Attempt.idempotency_key, Attempt.correct, Attempt.response_ms)).all()
        assert attempts == [(f"class:{session_id}:0", True, 3000)]
        assert s.scalar(select(func.count()).select_from(ReviewState).where(ReviewState.learner_id == ann)) == 1


def test_ties_break_by_total_response_time(room: Room, clock: Clock) -> None:
    svc, (ann, bob, cai) = room.svc, room.students
    session_id = room.start(mode=Mode.ACCURACY)
    q = opened(svc, session_id, room.teacher)
    clock.tick(2)
    svc.record_answer(session_id, 0, cai, q.question.answer)
    clock.tick(2)
    svc.record_answer(session_id, 0, bob, q.question.answer)
    clock.tick(2)
    assert svc.record_answer(session_id, 0, ann, q.question.answer).points == 1  # accuracy: a point, no speed
    board = svc.leaderboard(session_id)
    assert [(s.display_name, s.points, s.total_ms) for s in board] == [
        ("Cai", 1, 2000),
        ("Bob", 1, 4000),
        ("Ann", 1, 6000),
    ]


def test_the_session_ends_after_its_last_question(room: Room) -> None:
    svc = room.svc
    session_id = room.start()
    for position in range(5):
        q = opened(svc, session_id, None)
        assert q.position == position
        with pytest.raises(ClassroomError, match="question_open"):
            svc.open_next(session_id, None)  # a second ticker: never opens a question twice
        assert svc.close_question(session_id, position) is not None
    assert svc.open_next(session_id, None) is None
    assert svc.session(session_id).phase == Phase.ENDED


def test_a_late_ticker_does_not_cut_a_reveal_short(room: Room) -> None:
    svc = room.svc
    session_id = room.start()
    with pytest.raises(ClassroomError, match="moved_on"):
        svc.open_next(session_id, None, after=0)  # still in the lobby
    assert opened(svc, session_id, room.teacher).position == 0
    svc.close_question(session_id, 0)  # the ticker closed question 0 and waits to show its reveal
    assert svc.open_next(session_id, room.teacher, after=0) is not None  # the teacher moved on by hand
    svc.close_question(session_id, 1)
    with pytest.raises(ClassroomError, match="moved_on"):
        svc.open_next(session_id, None, after=0)  # the ticker's delayed move: question 1's reveal stays
    assert svc.session(session_id).phase == Phase.REVEAL and svc.session(session_id).position == 1


def test_skip_scores_nothing_and_keeps_the_streak(room: Room, clock: Clock) -> None:
    svc, ann = room.svc, room.students[0]
    session_id = room.start()
    q0 = opened(svc, session_id, room.teacher)
    svc.record_answer(session_id, 0, ann, q0.question.answer)  # 1000, streak 1
    svc.close_question(session_id, 0)
    q1 = opened(svc, session_id, room.teacher)
    svc.record_answer(session_id, 1, ann, wrong(q1))  # would reset the streak, but the question is skipped
    with pytest.raises(ClassroomError, match="not_teacher"):
        svc.skip(session_id, room.students[1])
    q2 = svc.skip(session_id, room.teacher, position=1)
    assert q2 is not None and q2.position == 2
    with pytest.raises(ClassroomError, match="moved_on"):
        svc.skip(session_id, room.teacher, position=1)  # the button pressed twice: skipped once
    assert svc.record_answer(session_id, 1, ann, q1.question.answer).outcome == Outcome.NO_QUESTION
    got = svc.record_answer(session_id, 2, ann, q2.question.answer)
    assert (got.points, got.streak) == (1000 + 100, 2)  # the skipped question neither broke nor extended it
    assert svc.leaderboard(session_id)[0].answered == 2


def test_pause_keeps_the_remaining_time(room: Room, clock: Clock) -> None:
    svc, ann = room.svc, room.students[0]
    session_id = room.start()
    with pytest.raises(ClassroomError, match="cannot_pause"):
        svc.pause(session_id, room.teacher)
    q = opened(svc, session_id, room.teacher)
    clock.tick(15)
    with pytest.raises(ClassroomError, match="not_teacher"):
        svc.pause(session_id, ann)
    paused = svc.pause(session_id, room.teacher)
    assert paused.phase == Phase.PAUSED
    token = paused.projector_token
    assert svc.projector_view(token).remaining_ms == 5000
    with pytest.raises(ClassroomError, match="paused"):
        svc.open_next(session_id, room.teacher)
    clock.tick(60)  # a long pause: nothing is due, an answer is still in time
    assert svc.due() == []
    assert svc.record_answer(session_id, 0, ann, q.question.answer).outcome == Outcome.COUNTED
    resumed = svc.resume(session_id, room.teacher)
    assert resumed.phase == Phase.QUESTION
    with pytest.raises(ClassroomError, match="not_paused"):
        svc.resume(session_id, room.teacher)
    now_open = svc.current_question(session_id)
    assert now_open is not None and now_open.closes_at == clock.now + (q.closes_at - q.opened_at) / 4  # 5 s left
    clock.tick(4.9)
    assert svc.due() == []
    clock.tick(0.1)
    assert svc.due() == [(session_id, 0)]
    assert svc.close_question(session_id, 0) is not None
    assert svc.pause(session_id, room.teacher).phase == Phase.PAUSED  # a reveal pauses too
    assert svc.projector_view(token).reveal is not None
    assert svc.resume(session_id, room.teacher).phase == Phase.REVEAL


def test_end_closes_the_open_question_and_counts_it(room: Room, clock: Clock) -> None:
    svc, ann = room.svc, room.students[0]
    session_id = room.start()
    q = opened(svc, session_id, room.teacher)
    svc.record_answer(session_id, 0, ann, q.question.answer)
    with pytest.raises(ClassroomError, match="not_teacher"):
        svc.end(session_id, ann)
    final = svc.end(session_id, None)
    assert final[0].display_name == "Ann" and final[0].points == 1000
    assert svc.due() == [] and svc.close_question(session_id, 0) is None
    assert svc.record_answer(session_id, 0, room.students[1], q.question.answer).outcome == Outcome.LATE
