"""Which questions a session asks: the pool's filters, the seeded order, never-asked first, too few, the weakest
scam types of the class."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.classroom.records import ClassroomError, SessionOptions
from bot.classroom.service import ClassroomService
from bot.db.models import ClassSession, Question, QuestionAudience, SessionQuestion
from tests.bot.classroom.conftest import Clock, Room


def asked(svc: ClassroomService, session_id: int) -> list[str]:
    with svc.db.read() as s:
        return list(
            s.scalars(
                select(SessionQuestion.question_id)
                .where(SessionQuestion.session_id == session_id)
                .order_by(SessionQuestion.position)
            )
        )


def pool(svc: ClassroomService, audience: str, scam_types: tuple[str, ...] = ()) -> dict[str, str]:
    """Question id -> scam type of the active questions for ``audience`` (or general)."""
    with svc.db.read() as s:
        rows = s.execute(
            select(Question.id, Question.scam_type)
            .join(QuestionAudience, QuestionAudience.question_id == Question.id)
            .where(QuestionAudience.audience.in_([audience, "general"]))
        ).all()
    return {qid: scam for qid, scam in rows if not scam_types or scam in scam_types}


def test_questions_come_from_the_class_audience_in_seeded_order(room: Room) -> None:
    svc = room.svc
    options = SessionOptions(count=5)
    first = svc.start_session(room.info.id, room.teacher, options, seed=7)
    chosen = asked(svc, first.id)
    assert len(chosen) == 5 == len(set(chosen)) and set(chosen) <= set(pool(svc, "general"))
    svc.end(first.id, room.teacher)
    again = svc.start_session(room.info.id, room.teacher, options, seed=7)
    assert set(asked(svc, again.id)) == set(chosen)  # nothing was asked (no question opened): same seed, same choice
    svc.open_next(again.id, room.teacher)
    svc.end(again.id, room.teacher)
    third = svc.start_session(room.info.id, room.teacher, options, seed=7)
    assert asked(svc, again.id)[0] not in asked(svc, third.id)  # the question asked before comes last


def test_filters_by_audience_and_scam_types(room: Room) -> None:
    svc = room.svc
    types = ("police_impersonation", "phishing_link", "investment", "fake_loan", "job_trafficking", "fake_shopping")
    wanted = pool(svc, "elderly", types)
    assert len(wanted) >= 5
    session = svc.start_session(
        room.info.id, room.teacher, SessionOptions(count=30, audience="elderly", scam_types=types)
    )
    assert session.size == len(wanted) and set(asked(svc, session.id)) == set(wanted)  # fewer than 30: all of them


@pytest.mark.parametrize(
    ("options", "key"),
    [
        (SessionOptions(count=5, bank="no_such_bank"), "no_questions"),
        (SessionOptions(count=5, scam_types=("police_impersonation",)), "no_questions"),  # 3 in the whole bank
        (SessionOptions(count=5, scam_types=("nonsense",)), "bad_scam_type"),
        (SessionOptions(count=5, audience="martians"), "bad_audience"),
    ],
    ids=["unknown-bank", "too-few", "bad-scam-type", "bad-audience"],
)
def test_no_session_without_questions(room: Room, options: SessionOptions, key: str) -> None:
    with pytest.raises(ClassroomError) as raised:
        room.svc.start_session(room.info.id, room.teacher, options)
    assert raised.value.key == key
    assert room.svc.running_session(room.info.id) is None


def test_weakest_scam_types_first(room: Room, clock: Clock) -> None:
    svc, (ann, bob, cai) = room.svc, room.students
    everything = pool(svc, "general")
    # A first session: everybody gets its first question wrong, the others right.
    first = svc.start_session(room.info.id, room.teacher, SessionOptions(count=5), seed=3)
    weak_type = everything[asked(svc, first.id)[0]]
    for position in range(5):
        q = svc.open_next(first.id, room.teacher)
        assert q is not None
        for learner in (ann, bob, cai):
            options = range(len(q.question.zh.options))
            chosen = q.question.answer if position else (next(i for i in options if i not in q.question.answer),)
            svc.record_answer(first.id, position, learner, chosen)
        svc.close_question(first.id, position)
    svc.end(first.id, room.teacher)
    second = svc.start_session(room.info.id, room.teacher, SessionOptions(count=5, weakest=True), seed=4)
    picked = asked(svc, second.id)
    assert everything[picked[0]] == weak_type
    with svc.db.read() as s:
        selection = s.scalar(select(ClassSession.selection).where(ClassSession.id == second.id))
    assert selection is not None and selection["weakest"] and selection["types"][0] == weak_type
    answered_well = {everything[q] for q in asked(svc, first.id)[1:]} - {weak_type}
    assert answered_well.isdisjoint(selection["types"][:1])
