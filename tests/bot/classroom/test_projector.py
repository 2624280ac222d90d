"""The projector's view and version at each phase, and the Telegram polls of a session."""

from __future__ import annotations

import pytest

from bot.classroom.records import ClassroomError, Phase
from bot.classroom.service import ClassroomService
from tests.bot.classroom.conftest import Clock, Room


def test_the_view_follows_the_session(room: Room, clock: Clock) -> None:
    svc, (ann, bob, _cai) = room.svc, room.students
    session_id = room.start()
    token = svc.session(session_id).projector_token
    lobby = svc.projector_view(token)
    assert (lobby.phase, lobby.class_name, lobby.join_code, lobby.members) == (
        Phase.LOBBY,
        "Class 7B",
        room.info.join_code,
        ("Ann", "Bob", "Cai"),
    )
    assert lobby.prompt is None and lobby.size == 5 and lobby.version == svc.version(token)

    versions = [svc.version(token)]
    dee = svc.learner_id("telegram", "dee")
    svc.join(room.info.id, dee, "Dee")  # a join shows in the lobby
    versions.append(svc.version(token))
    q = svc.open_next(session_id, room.teacher)
    assert q is not None
    versions.append(svc.version(token))
    view = svc.projector_view(token)
    assert view.phase == Phase.QUESTION and view.position == 0 and view.answered == 0
    assert view.prompt == q.question.en.prompt and view.options == q.question.en.options
    assert view.closes_at == q.closes_at and view.reveal is None and view.members[-1] == "Dee"
    clock.tick(1)
    svc.record_answer(session_id, 0, ann, q.question.answer)
    versions.append(svc.version(token))
    svc.record_answer(session_id, 0, ann, q.question.answer)  # a duplicate changes nothing shown
    versions.append(svc.version(token))
    svc.record_answer(session_id, 0, bob, q.question.answer)
    versions.append(svc.version(token))
    assert svc.projector_view(token).answered == 2
    svc.close_question(session_id, 0)
    versions.append(svc.version(token))
    shown = svc.projector_view(token)
    assert shown.phase == Phase.REVEAL and shown.reveal is not None and shown.reveal.answered == 2
    assert [s.display_name for s in shown.top] == ["Ann", "Bob", "Cai", "Dee"] and shown.closes_at is None
    svc.end(session_id, room.teacher)
    versions.append(svc.version(token))
    final = svc.projector_view(token)
    assert final.phase == Phase.ENDED and [s.display_name for s in final.podium] == ["Ann", "Bob", "Cai"]
    assert versions == sorted(versions) and versions[4] == versions[3]
    assert len(set(versions)) == len(versions) - 1  # every change but the duplicate bumped it


def test_a_hidden_leaderboard_shows_no_top(room: Room) -> None:
    svc = room.svc
    session_id = room.start(show_leaderboard=False)
    token = svc.session(session_id).projector_token
    svc.open_next(session_id, room.teacher)
    shown = svc.close_question(session_id, 0)
    assert shown is not None and shown.top == ()
    view = svc.projector_view(token)
    assert view.reveal is not None and view.top == () and not view.show_leaderboard


def test_an_unknown_token(svc: ClassroomService) -> None:
    for look in (svc.projector_view, svc.version):
        with pytest.raises(ClassroomError, match="unknown_session"):
            look("nope")


def test_polls_map_to_their_question(room: Room) -> None:
    svc, ann = room.svc, room.students[0]
    session_id = room.start()
    svc.open_next(session_id, room.teacher)
    svc.save_poll("p-group", session_id, 0, -100, 11, None)
    svc.save_poll("p-ann", session_id, 0, 501, 12, ann)
    svc.save_poll("p-ann", session_id, 0, 501, 99, ann)  # saved again (a retry): unchanged
    assert svc.poll("p-group") == (session_id, 0, None)
    assert svc.poll("p-ann") == (session_id, 0, ann)
    assert svc.poll("unknown") is None
    assert svc.polls_for(session_id, 0) == [(-100, 11), (501, 12)]
    assert svc.polls_for(session_id, 1) == []
