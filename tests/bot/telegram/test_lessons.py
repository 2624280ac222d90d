"""Classroom quiz sessions on Telegram, end to end: the real Application over real HTTP against the stand-in Bot API
server, a real SQLite database and the real classroom engine. Only Telegram is faked (and the clock is moved on
instead of waiting for a question's time to run out). No Rasa: the classroom never asks the assistant."""

from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import func, select

from bot.classroom.records import ClassInfo, Delivery, Mode, Outcome, Phase, SessionOptions
from bot.db.models import Attempt, SessionAnswer, TelegramPoll
from tests.bot.telegram.running import Clock, RunningBot
from tests.bot.telegram.standin import Call, StandIn, user
from tests.bot.telegram.talking import answer, button, buttons, learner, poll_id, press, said, said_count, say

TEACHER = user(900, "en", "Ms Wu")
ANN = user(901, "en", "Ann")
BO = user(902, "en", "Bo")
CY = user(903, "en", "C")  # a first name too short to be a display name
DAN = user(904, "en", "Ann")  # the same first name as Ann
GROUP = -100555


# --- helpers


def class_polls(standin: StandIn, bot: RunningBot, count: int, timeout: float = 20.0) -> list[Call]:
    """The first ``count`` class polls sent, once each is mapped to its session (saved right after sendPoll)."""
    polls = standin.wait_calls("sendPoll", count, timeout=timeout)[:count]
    deadline = time.monotonic() + timeout
    for p in polls:
        while bot.services.classroom.poll(p.result["poll"]["id"]) is None:
            assert time.monotonic() < deadline, "poll not mapped"
            time.sleep(0.02)
    return polls


def make_class(bot: RunningBot, students: list[dict], group: int | None = None) -> ClassInfo:
    """A class with these students in it, made through the engine (the joining itself is tested by the bot)."""
    svc = bot.services.classroom
    teacher = learner(bot, TEACHER)
    info = svc.create_class(teacher, "Class 3B", "en", "general")
    for s in students:
        svc.join(info.id, learner(bot, s), s["first_name"])
    if group is not None:
        info = svc.bind_group(info.id, teacher, group)
    return info


def answers_counted(db) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(SessionAnswer)) or 0


# --- a teacher creates a class, students join


def test_a_teacher_creates_a_class_and_students_join_by_link_and_code(standin: StandIn, make_class_bot) -> None:
    make_class_bot()
    say(standin, TEACHER, "/newclass Class 3B")
    prompt = said(standin, TEACHER["id"], "which language")
    assert prompt.result["reply_to_message"]["text"] == "/newclass Class 3B"  # the name travels with the buttons
    press(standin, TEACHER, "ncl:en", prompt.result)
    audiences = said(standin, TEACHER["id"], "who are the students")
    press(standin, TEACHER, "ncl:en:overseas_student", audiences.result)
    created = said(standin, TEACHER["id"], "is ready")
    text = created.params["text"]
    token = re.search(r"https://t\.me/antifraud_test_bot\?start=c_(\S+)", text)
    code = re.search(r"Join code: ([A-Z0-9]{6})", text)
    assert token and code and "Class 3B" in text

    # Ann by the link: the name prompt, then her first name by one tap.
    say(standin, ANN, f"/start c_{token.group(1)}")
    asked = said(standin, ANN["id"], f"#{code.group(1)}")
    assert asked.params["reply_markup"]["force_reply"] is True
    quick = said(standin, ANN["id"], "Telegram name")
    assert buttons(quick) == [button(quick, "nm:")]
    press(standin, ANN, button(quick, "nm:"))
    said(standin, ANN["id"], "Welcome to “Class 3B”, Ann!")

    # Bo by the code: he replies to the prompt with his name.
    say(standin, BO, f"/join {code.group(1).lower()}")
    bo_prompt = said(standin, BO["id"], f"#{code.group(1)}")
    say(standin, BO, "Bo Li", reply_to=bo_prompt.result)
    said(standin, BO["id"], "Welcome to “Class 3B”, Bo Li!")

    # C's first name is too short: no button; a name with a link and a taken name are refused, one line each.
    say(standin, CY, f"/join {code.group(1)}")
    cy_prompt = said(standin, CY["id"], f"#{code.group(1)}")
    say(standin, CY, "www.evil.example", reply_to=cy_prompt.result)
    said(standin, CY["id"], "link")
    say(standin, CY, f"/join {code.group(1)} ann")
    said(standin, CY["id"], "is taken")
    say(standin, CY, f"/join {code.group(1)} Cyd")
    said(standin, CY["id"], "Welcome to “Class 3B”, Cyd!")
    assert not any(c.params.get("text", "").endswith("Telegram name:") for c in standin.sent("sendMessage", CY["id"]))
    say(standin, CY, "/join NOPE42")
    said(standin, CY["id"], "unknown or expired")
    say(standin, CY, "/name Cyd Two")
    said(standin, CY["id"], "is now Cyd Two")

    say(standin, TEACHER, "/classes")
    said(standin, TEACHER["id"], "3 students")


def test_non_teachers_are_refused_with_one_line(standin: StandIn, make_class_bot) -> None:
    bot = make_class_bot()
    info = make_class(bot, [ANN])
    session = bot.services.classroom.start_session(info.id, learner(bot, TEACHER), SessionOptions(count=5))
    press(standin, ANN, f"run:start:{session.id}")
    said(standin, ANN["id"], "Only the class's teacher can do that.")
    say(standin, ANN, "/bindgroup", chat_id=GROUP, group=True)
    said(standin, GROUP, "no classes")
    say(standin, BO, f"/bindgroup {info.join_code}", chat_id=GROUP, group=True)
    said(standin, GROUP, "no classes")
    say(standin, ANN, "/rename Ann Anna")
    said(standin, ANN["id"], "no classes")
    press(standin, ANN, f"ses:{info.id}:all:5:10:s:p")  # a forged wizard button
    assert said_count(standin, ANN["id"], "Only the class's teacher") >= 1
    say(standin, TEACHER, f"/bindgroup {info.join_code}", chat_id=GROUP, group=True)
    said(standin, GROUP, "This group is now the group of class “Class 3B”")
    say(standin, TEACHER, "/session")
    said(standin, TEACHER["id"], "Which questions?")
    assert bot.services.classroom.running_session(info.id) is not None  # still the one session


# --- sessions


def test_a_private_session_runs_to_the_podium(standin: StandIn, make_class_bot, telegram_db) -> None:
    bot = make_class_bot()
    info = make_class(bot, [ANN, BO])
    say(standin, TEACHER, "/session")
    step = said(standin, TEACHER["id"], "Which questions?")
    for prefix, prompt in [
        (f"ses:{info.id}:all", "How many"),
        (f"ses:{info.id}:all:5", "How many seconds"),
        (f"ses:{info.id}:all:5:20", "How is it scored"),
    ]:
        press(standin, TEACHER, button(step, prefix))
        step = said(standin, TEACHER["id"], prompt)
    press(standin, TEACHER, f"ses:{info.id}:all:5:20:s")  # no group bound: private chats, no question asked
    ready = said(standin, TEACHER["id"], "The quiz is ready")
    assert re.search(r"http://127\.0\.0\.1:8080/p/\S+", ready.params["text"])
    press(standin, TEACHER, button(ready, "run:start:"))

    for n in range(5):
        polls = class_polls(standin, bot, 2 * (n + 1))[2 * n :]
        assert {int(p.params["chat_id"]) for p in polls} == {ANN["id"], BO["id"]}
        assert all(p.params["open_period"] in (19, 20) and p.params["hide_results_until_closes"] for p in polls)
        assert all(p.params["is_anonymous"] is False and p.params["type"] == "quiz" for p in polls)
        mine = {int(p.params["chat_id"]): p for p in polls}
        right = mine[ANN["id"]].params["correct_option_ids"]
        wrong = [i for i in range(len(mine[BO["id"]].params["options"])) if i not in right][:1]
        answer(standin, ANN, poll_id(mine[ANN["id"]]), list(right))
        answer(standin, ANN, poll_id(mine[ANN["id"]]), [])  # retracted: the first answer stands
        answer(standin, ANN, poll_id(mine[ANN["id"]]), wrong)  # changed: still the first
        answer(standin, BO, poll_id(mine[BO["id"]]), wrong)  # everyone answered: it closes at once
        reveal = said(standin, TEACHER["id"], f"Question {n + 1} of 5: the answer is")
        assert "2 of 2 answered" in reveal.params["text"] and "Top 5:" in reveal.params["text"]
        assert "1. Ann:" in reveal.params["text"]
        standin.wait_calls("stopPoll", 2 * (n + 1))
        press(standin, TEACHER, button(reveal, "run:next:"))

    for who in (ANN, BO, TEACHER):
        podium = said(standin, who["id"], "The quiz is over! Final standings:")
        assert re.search(r"1\. Ann: \d{4} points\n2\. Bo: 0 points", podium.params["text"])
    with telegram_db.read() as s:
        assert s.scalar(select(func.count()).select_from(SessionAnswer)) == 10
        assert s.scalar(select(func.count()).select_from(Attempt)) == 10  # every answer fed the quiz engine

    say(standin, TEACHER, "/report")
    photo = standin.wait_calls("sendPhoto", 1, TEACHER["id"])[0]
    assert photo.params["photo"]["head"].startswith(b"\x89PNG") and "Class 3B" in photo.params["caption"]
    said(standin, TEACHER["id"], f"http://127.0.0.1:8080/teacher/classes/{info.id}")
    say(standin, ANN, "/report")
    said(standin, ANN["id"], "no classes")  # a student has no report to ask for


def test_a_group_session_late_answers_pause_and_a_newcomer(
    standin: StandIn, make_class_bot, telegram_db, clock: Clock
) -> None:
    bot = make_class_bot()
    info = make_class(bot, [ANN, BO], group=GROUP)
    svc = bot.services.classroom
    session = svc.start_session(
        info.id, learner(bot, TEACHER), SessionOptions(count=5, seconds=30, delivery=Delivery.GROUP)
    )
    press(standin, TEACHER, f"run:start:{session.id}")
    (poll,) = class_polls(standin, bot, 1)
    assert int(poll.params["chat_id"]) == GROUP and poll.params["open_period"] in (29, 30)
    right = poll.params["correct_option_ids"]
    answer(standin, ANN, poll_id(poll), list(right))
    answer(standin, DAN, poll_id(poll), list(right))  # not in the class: joins as "Ann 2"
    standin.wait_for(lambda _: answers_counted(telegram_db) == 2)
    assert [m.display_name for m in svc.members(info.id)] == ["Ann", "Bo", "Ann 2"]

    # Pause: the clock stops for the question; after resuming, it goes out again for the time it had left.
    press(standin, TEACHER, f"run:pause:{session.id}")
    said(standin, TEACHER["id"], "Paused")
    clock.advance(60)
    time.sleep(1.2)  # two ticks: nothing is due while paused
    assert svc.session(session.id).phase == Phase.PAUSED and said_count(standin, GROUP, "Question 1") == 0
    press(standin, TEACHER, f"run:resume:{session.id}")
    said(standin, TEACHER["id"], "Resumed")
    again = class_polls(standin, bot, 2)[1]
    assert int(again.params["chat_id"]) == GROUP and 5 <= again.params["open_period"] <= 30

    clock.advance(31)  # time is up: the ticker closes it and posts the reveal in the group
    reveal = said(standin, GROUP, "Question 1 of 5: the answer is")
    assert "2 of 3 answered" in reveal.params["text"]
    said(standin, TEACHER["id"], "Question 1 of 5")
    answer(standin, BO, poll_id(poll), list(right))  # late: not counted
    time.sleep(0.5)
    late = svc.record_answer(session.id, 0, learner(bot, BO), right)
    assert late.outcome == Outcome.LATE and answers_counted(telegram_db) == 2

    press(standin, TEACHER, f"run:end:{session.id}")
    podium = said(standin, GROUP, "The quiz is over!")
    assert re.search(r"1\. Ann: \d+ points\n2\. Ann 2: \d+ points", podium.params["text"])


def test_a_restart_mid_session_resumes(standin: StandIn, make_class_bot, telegram_db, clock: Clock) -> None:
    bot = make_class_bot()
    info = make_class(bot, [ANN, BO])
    svc = bot.services.classroom
    options = SessionOptions(count=5, seconds=20, mode=Mode.ACCURACY)
    session = svc.start_session(info.id, learner(bot, TEACHER), options)
    press(standin, TEACHER, f"run:start:{session.id}")
    polls = {int(p.params["chat_id"]): p for p in class_polls(standin, bot, 2)}
    bot.stop()
    make_class_bot()  # a new process: nothing in memory
    answer(standin, ANN, poll_id(polls[ANN["id"]]), list(polls[ANN["id"]].params["correct_option_ids"]))
    standin.wait_for(lambda _: answers_counted(telegram_db) == 1)
    clock.advance(21)
    reveal = said(standin, TEACHER["id"], "Question 1 of 5: the answer is")
    assert "1 of 2 answered" in reveal.params["text"] and "1. Ann: 1 points" in reveal.params["text"]
    standin.wait_calls("stopPoll", 2)  # both students' polls close (after the reveal)


@pytest.mark.parametrize(
    ("fields", "problem"),
    [("all:4:20:s:p", "bad_count"), ("all:5:5:s:p", "bad_seconds"), ("all:5:20:s:g", "no_group")],
    ids=["too-few-questions", "too-few-seconds", "group-without-group"],
)
def test_bad_wizard_data_gets_one_line(standin: StandIn, make_class_bot, fields: str, problem: str) -> None:
    bot = make_class_bot()
    info = make_class(bot, [ANN])
    press(standin, TEACHER, f"ses:{info.id}:{fields}")
    from bot.i18n import catalog

    text = catalog()[f"classroom.{problem}"].texts["en"]
    assert isinstance(text, str)
    said(standin, TEACHER["id"], text.split("{")[0][:20])
    assert bot.services.classroom.running_session(info.id) is None


def test_login_sends_a_one_time_link_in_private_only(standin: StandIn, make_class_bot, telegram_db) -> None:
    from bot.classroom.access import redeem_login_link

    bot = make_class_bot()
    say(standin, TEACHER, "/login", chat_id=GROUP, group=True)
    said(standin, GROUP, "private chat")
    say(standin, TEACHER, "/login")
    sent = said(standin, TEACHER["id"], "valid for 15 minutes")
    found = re.search(r"http://127\.0\.0\.1:8080/login/(\S+)", sent.params["text"])
    assert found
    now = bot.services.now()
    redeem = telegram_db.write_retrying
    assert redeem(lambda s: redeem_login_link(s, found.group(1), now=now)) == learner(bot, TEACHER)
    assert redeem(lambda s: redeem_login_link(s, found.group(1), now=now)) is None  # single use


def test_the_one_learner_quiz_polls_still_reach_the_quiz(standin: StandIn, make_class_bot, telegram_db) -> None:
    """Every poll answer is first offered to the classroom; the quiz's own polls go on to the quiz."""
    make_class_bot()
    say(standin, ANN, "/quiz")
    first = standin.wait_calls("sendPoll", 1, ANN["id"])[0]
    deadline = time.monotonic() + 20
    while True:  # the quiz maps its poll right after sending it
        with telegram_db.read() as s:
            if s.scalar(select(func.count()).select_from(TelegramPoll)):
                break
        assert time.monotonic() < deadline
        time.sleep(0.02)
    answer(standin, ANN, poll_id(first), [0])
    standin.wait_calls("sendPoll", 2, ANN["id"])
    with telegram_db.read() as s:
        assert s.scalar(select(func.count()).select_from(Attempt)) == 1
        assert s.scalar(select(func.count()).select_from(SessionAnswer)) == 0


def test_skip_closes_the_polls_and_the_next_question_goes_out(standin: StandIn, make_class_bot, telegram_db) -> None:
    bot = make_class_bot()
    info = make_class(bot, [ANN, BO])
    session = bot.services.classroom.start_session(info.id, learner(bot, TEACHER), SessionOptions(count=5))
    press(standin, TEACHER, f"run:start:{session.id}:-1")
    first = class_polls(standin, bot, 2)
    opened = said(standin, TEACHER["id"], "Question 1 of 5 is out")
    skip = button(opened, "run:skip:")
    assert skip == f"run:skip:{session.id}:0"
    press(standin, TEACHER, skip)
    press(standin, TEACHER, skip)  # pressed twice: skipped once
    said(standin, TEACHER["id"], "already moved on")
    second = class_polls(standin, bot, 4)[2:]
    stopped = {(int(c.params["chat_id"]), int(c.params["message_id"])) for c in standin.wait_calls("stopPoll", 2)}
    assert stopped == {(int(p.params["chat_id"]), int(p.result["message_id"])) for p in first}
    said(standin, TEACHER["id"], "Question 2 of 5 is out")
    answer(standin, ANN, poll_id(first[0]), [0])  # the skipped question: scores nothing
    answer(standin, ANN, poll_id(next(p for p in second if int(p.params["chat_id"]) == ANN["id"])), [0])
    standin.wait_for(lambda _: answers_counted(telegram_db) == 1)
    with telegram_db.read() as s:
        assert s.scalar(select(SessionAnswer.position)) == 1
    assert len(standin.sent("sendPoll")) == 4


def test_an_unknown_join_link_gets_one_line(standin: StandIn, make_class_bot) -> None:
    make_class_bot()
    say(standin, ANN, "/start c_no-such-class")
    said(standin, ANN["id"], "unknown or expired")
    say(standin, ANN, "/join")
    said(standin, ANN["id"], "followed by the code")
