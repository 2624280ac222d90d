"""Campaigns on Telegram, end to end (issue 11): the organiser's wizard, list and report; a student joining by the
campaign link and choosing a zone; a week's lesson opened from its notice and its quiz as polls. The real Application
over real HTTP against the stand-in Bot API server, a real SQLite database, the real campaign engine and the small test
campaign; only Telegram is faked (and the clock moved on to a lesson's time)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.campaigns.records import (
    ActivityDef,
    ActivityKind,
    Bilingual,
    CampaignInfo,
    CampaignReport,
    Funnel,
    LessonView,
    QuestionResult,
    Role,
)
from bot.classroom.records import ClassInfo
from bot.telegram import campaigns, weekly
from bot.telegram.campaignreport import report_chart, report_text
from tests.bot.telegram.campaigning import DRILL_TITLE, deliver_next_week, enrol, next_monday, start_campaign
from tests.bot.telegram.standin import StandIn, user
from tests.bot.telegram.talking import (
    answer,
    buttons,
    learner,
    offered,
    poll_id,
    press,
    said,
    said_count,
    say,
)

ORGANISER = user(920, "en", "Ms Wu")
OTHER = user(921, "en", "Mr Li")
ANN = user(922, "en", "Ann")
BO = user(923, "en", "Bo")


# --- the organiser


def test_an_organiser_starts_a_campaign_for_a_class_step_by_step(standin: StandIn, make_campaign_bot, clock) -> None:
    bot = make_campaign_bot()
    classroom = bot.services.classroom
    organiser = learner(bot, ORGANISER)
    first = classroom.create_class(organiser, "Class 3B", "en", "general")
    classroom.create_class(organiser, "Class 3C", "en", "general")
    classroom.join(first.id, learner(bot, ANN), "Ann")

    say(standin, ORGANISER, "/campaign")
    assert buttons(said(standin, ORGANISER["id"], "Which campaign?")) == ["cn:0"]
    press(standin, ORGANISER, "cn:0")
    assert buttons(offered(standin, ORGANISER["id"], "cn:0:s")) == ["cn:0:s1", "cn:0:s2", "cn:0:o"]
    press(standin, ORGANISER, "cn:0:s1")  # tick Class 3B: Next appears
    assert buttons(offered(standin, ORGANISER["id"], "cn:0:c1")) == ["cn:0:s0", "cn:0:s3", "cn:0:c1", "cn:0:o"]
    press(standin, ORGANISER, "cn:0:c1")
    monday = next_monday(clock().date())
    dates = buttons(offered(standin, ORGANISER["id"], "cn:0:c1:"))
    assert f"cn:0:c1:{monday:%Y%m%d}" in dates and dates[-1] == "cn:0:c1:t"
    press(standin, ORGANISER, f"cn:0:c1:{monday:%Y%m%d}")
    confirm = offered(standin, ORGANISER["id"], f"cn:0:c1:{monday:%Y%m%d}:y")
    assert "Class 3B" in confirm.params["text"] and "Class 3C" not in confirm.params["text"]
    press(standin, ORGANISER, f"cn:0:c1:{monday:%Y%m%d}:y")

    started = said(standin, ORGANISER["id"], "is running").params["text"]
    token = re.search(r"https://t\.me/antifraud_test_bot\?start=k_(\S+)", started)
    assert token and DRILL_TITLE in started
    (info,) = bot.services.campaigns.organiser_campaigns(organiser)
    assert (info.class_ids, info.open, info.start, info.join_token) == ((first.id,), False, monday, token.group(1))
    enrolled = bot.services.campaigns.learner_enrolments(learner(bot, ANN))
    assert [(c.id, e.role, e.class_id) for c, e in enrolled] == [(info.id, Role.STUDENT, first.id)]
    told = said(standin, ANN["id"], "Your class “Class 3B” takes part in “Family scam drill”")
    assert "cz:london" in buttons(told)  # the class's students hear of it, and pick their zone

    say(standin, ORGANISER, "/campaigns")
    listed = said(standin, ORGANISER["id"], "Your campaigns").params["text"]
    assert DRILL_TITLE in listed and token.group(1) in listed


def test_an_organiser_types_a_date_of_their_own(standin: StandIn, make_campaign_bot, clock) -> None:
    bot = make_campaign_bot()
    press(standin, ORGANISER, "cn:0:o:t")  # open to anyone; "another date"
    prompt = said(standin, ORGANISER["id"], "[cn:0:o]")
    assert prompt.params["reply_markup"]["force_reply"] is True
    say(standin, ORGANISER, "some day", reply_to=prompt.result)
    said(standin, ORGANISER["id"], "I can't use that date")
    wanted = clock().date() + timedelta(days=40)
    say(standin, ORGANISER, f"{wanted:%Y-%m-%d}", reply_to=prompt.result)
    offered(standin, ORGANISER["id"], f"cn:0:o:{wanted:%Y%m%d}:y")
    press(standin, ORGANISER, f"cn:0:o:{wanted:%Y%m%d}:y")
    said(standin, ORGANISER["id"], "is running")
    (info,) = bot.services.campaigns.organiser_campaigns(learner(bot, ORGANISER))
    assert (info.open, info.start) == (True, wanted)


@pytest.mark.parametrize(
    ("data", "reply"),
    [
        ("cn:7", "This button is no longer valid"),
        ("cn:0:o:20200106", "I can't use that date"),
        ("cn:0:o:20271399", "I can't use that date"),
    ],
    ids=["unknown-definition", "past-date", "no-such-date"],
)
def test_stale_or_forged_wizard_data_gets_one_line(standin: StandIn, make_campaign_bot, data: str, reply: str) -> None:
    bot = make_campaign_bot()
    press(standin, ORGANISER, data)
    said(standin, ORGANISER["id"], reply)
    assert bot.services.campaigns.organiser_campaigns(learner(bot, ORGANISER)) == []


def _classes(count: int) -> list[ClassInfo]:
    return [
        ClassInfo(i + 1, f"Class {i:02d} with a long name", "en", "general", "C", "t", None, 30, 1)
        for i in range(count)
    ]


@pytest.mark.parametrize("lang", ["zh", "en"], ids=["zh", "en"])
def test_every_wizard_step_fits_in_callback_data(make_campaign_bot, lang: str) -> None:
    bot = make_campaign_bot()
    (definition,) = bot.services.campaigns.definitions()
    classes = _classes(campaigns.MAX_CLASSES)
    everything = (1 << campaigns.MAX_CLASSES) - 1
    steps = [
        campaigns.audience_step("cn:999", definition, classes, everything, lang),
        campaigns.start_step(f"cn:999:c{everything:x}", definition, date(2026, 1, 1), lang),
        campaigns.confirm_step(f"cn:999:c{everything:x}:20261231", definition, classes, date(2026, 12, 31), lang),
    ]
    for _, markup in steps:
        data = [b.callback_data for row in markup.inline_keyboard for b in row]
        assert data and all(isinstance(d, str) and len(d.encode()) <= 64 for d in data)
        assert all(campaigns.WIZARD_BUTTON.match(str(d)) for d in data)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2027-01-15", date(2027, 1, 15)),
        (" 2027/1/5 ", date(2027, 1, 5)),
        ("2026-12-01", date(2026, 12, 1)),
        ("2026-11-30", None),
        ("2027-12-03", None),
        ("2027-02-30", None),
        ("15.1.2027", None),
    ],
    ids=["iso", "slashes", "today", "yesterday", "over-a-year", "no-such-day", "day-first"],
)
def test_a_typed_start_date(typed: str, expected: date | None) -> None:
    assert campaigns.parse_date(typed, date(2026, 12, 1)) == expected


# --- a student: the campaign link, the zone, a week's lesson and quiz


def test_a_student_joins_opens_the_lesson_and_takes_the_quiz(standin: StandIn, make_campaign_bot, clock) -> None:
    bot = make_campaign_bot()
    info = start_campaign(bot, ORGANISER, clock)
    say(standin, ANN, f"/start k_{info.join_token}")
    joined = said(standin, ANN["id"], "You've joined")
    assert "Which time zone" in joined.params["text"] and "cz:london" in buttons(joined)
    press(standin, ANN, "cz:london")
    set_ = said(standin, ANN["id"], "your time zone is London")
    assert buttons(set_) == [f"cf:i:{info.id}"]  # then: invite a parent
    ann = learner(bot, ANN)
    ((_, enrolment),) = bot.services.campaigns.learner_enrolments(ann)
    assert (enrolment.zone, enrolment.role, enrolment.next_week) == ("london", Role.STUDENT, 1)

    delivery = deliver_next_week(bot, standin, clock, ANN)
    press(standin, ANN, f"cw:{delivery}")
    lesson = said(standin, ANN["id"], "money laundering")  # week 1's case for students
    assert buttons(lesson) == [f"cq:{info.id}:1"]
    press(standin, ANN, f"cq:{info.id}:1")
    first = standin.wait_calls("sendPoll", 1, chat_id=ANN["id"])[0]
    right = list(first.params["correct_option_ids"])
    answer(standin, ANN, poll_id(first), right)
    second = standin.wait_calls("sendPoll", 2, chat_id=ANN["id"])[1]
    wrong = [i for i in range(len(second.params["options"])) if i not in second.params["correct_option_ids"]][:1]
    answer(standin, ANN, poll_id(second), wrong)
    said(standin, ANN["id"], "Week 1 quiz: 1 of 2 right.")

    answer(standin, ANN, poll_id(second), right)  # a changed vote: the first answer counted, nothing said
    press(standin, ANN, f"cq:{info.id}:1")  # all answered: the result again, no poll
    standin.wait_for(lambda _: said_count(standin, ANN["id"], "Week 1 quiz: 1 of 2 right.") == 2)
    assert len(standin.sent("sendPoll", ANN["id"])) == 2
    (week1, *_) = bot.services.campaigns.progress(ann, info.id).weeks
    assert (week1.opened, week1.quiz_answered, week1.quiz_right) == (True, 2, 1)


def test_someone_elses_lesson_quiz_or_poll_gets_one_line_or_nothing(standin: StandIn, make_campaign_bot, clock) -> None:
    bot = make_campaign_bot()
    info = start_campaign(bot, ORGANISER, clock)
    enrol(bot, info, ANN)
    delivery = deliver_next_week(bot, standin, clock, ANN)
    press(standin, BO, f"cw:{delivery}")  # Bo is in no campaign: Ann's lesson notice is not his
    said(standin, BO["id"], "You are not taking part in this campaign.")
    press(standin, BO, f"cq:{info.id}:1")
    standin.wait_for(lambda _: said_count(standin, BO["id"], "You are not taking part") == 2)

    press(standin, ANN, f"cq:{info.id}:1")
    poll = standin.wait_calls("sendPoll", 1, chat_id=ANN["id"])[0]
    answer(standin, BO, poll_id(poll), [0])  # Bo answers Ann's poll (forged): not recorded for anyone
    press(standin, BO, "cq:99999:1")
    standin.wait_for(lambda _: said_count(standin, BO["id"], "You are not taking part") == 3)
    (week1, *_) = bot.services.campaigns.progress(learner(bot, ANN), info.id).weeks
    assert week1.quiz_answered == 0
    assert bot.services.campaigns.learner_enrolments(learner(bot, BO)) == []


def test_a_week_not_delivered_yet_is_not_shown(standin: StandIn, make_campaign_bot, clock) -> None:
    bot = make_campaign_bot()
    info = start_campaign(bot, ORGANISER, clock)
    enrol(bot, info, ANN)
    press(standin, ANN, f"cq:{info.id}:3")
    said(standin, ANN["id"], "That week's lesson has not been sent yet.")
    assert standin.sent("sendPoll") == []


def test_an_unknown_campaign_link_gets_one_line(standin: StandIn, make_campaign_bot) -> None:
    make_campaign_bot()
    say(standin, ANN, "/start k_nosuchtoken")
    said(standin, ANN["id"], "There is no such campaign")


# --- the report


def test_the_organiser_gets_the_report_and_nobody_else(standin: StandIn, make_campaign_bot, clock) -> None:
    bot = make_campaign_bot()
    info = start_campaign(bot, ORGANISER, clock)
    enrol(bot, info, ANN)
    delivery = deliver_next_week(bot, standin, clock, ANN)
    press(standin, ANN, f"cw:{delivery}")
    press(standin, ANN, f"cq:{info.id}:1")
    poll = standin.wait_calls("sendPoll", 1, chat_id=ANN["id"])[0]
    answer(standin, ANN, poll_id(poll), list(poll.params["correct_option_ids"]))
    standin.wait_calls("sendPoll", 2, chat_id=ANN["id"])

    say(standin, ORGANISER, "/campaignreport")
    photo = standin.wait_calls("sendPhoto", 1, chat_id=ORGANISER["id"])[0]
    assert photo.params["photo"]["head"].startswith(b"\x89PNG")
    text = said(standin, ORGANISER["id"], "Students enrolled: 1;").params["text"]
    assert DRILL_TITLE in text and "Week 1 (students)" in text and "1 of 1 right" in text

    say(standin, OTHER, f"/campaignreport {info.id}")
    said(standin, OTHER["id"], "Only the campaign's organiser can do that.")
    assert standin.sent("sendPhoto", OTHER["id"]) == []


def test_report_text_and_chart_from_a_report() -> None:
    info = CampaignInfo(
        7, "family_drill", Bilingual(zh="演练", en="Drill"), 1, (), True, "t", date(2027, 3, 1), 4,
        datetime(2027, 2, 1, tzinfo=UTC), None, "en",
    )  # fmt: skip
    funnel = Funnel(10, 4, 3, 20, 12, 30, 2, 1)
    questions = (
        QuestionResult(1, Role.STUDENT, "q1", "Is a call from the police asking for money real?", 10, 7, (("Yes", 2),)),
        QuestionResult(1, Role.PARENT, "q2", "x" * 100, 3, 1, ()),
        QuestionResult(2, Role.STUDENT, "q3", "Not answered yet", 0, 0, ()),
    )
    report = CampaignReport(info, funnel, ((1, funnel),), (), questions)
    text = report_text(report, "en")
    assert "Students enrolled: 10; parents: 4; students with a parent taking part: 3 (30%)" in text
    assert "Week 1 (students) Is a call from the police asking for money real?: 7 of 10 right" in text
    assert "Most chosen wrong answer: Yes (2×)" in text and "x" * 59 + "…: 1 of 3 right" in text
    assert "Not answered yet" not in text and "No answers yet." not in text
    unanswered = CampaignReport(info, funnel, (), (), questions[2:])
    assert report_text(unanswered, "en").endswith("Each week's quiz:\nNo answers yet.")
    assert report_chart(report, "en").startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("activity", "expected"),
    [
        (None, ["cq:5:2"]),
        (ActivityDef(ActivityKind.SAFETY_PLAN), ["cq:5:2", "cp:5:start"]),
        (ActivityDef(ActivityKind.TALK, Bilingual(zh="聊聊", en="Talk it over")), ["cq:5:2"]),
    ],
    ids=["none", "safety-plan", "talk"],
)
def test_a_lesson_message_has_its_quiz_and_activity(activity: ActivityDef | None, expected: list[str]) -> None:
    view = LessonView(
        5, 2, 4, Role.PARENT, "en", "Drill", "Virtual kidnapping", "A video of your child.",
        (("A ransom call", "Kidnappers do not call"),), ("Hang up.", "Call 110."), "MPS https://www.mps.gov.cn",
        ("parents_002", "parents_003"), activity,
    )  # fmt: skip
    text, markup = weekly.lesson_message(view)
    assert markup is not None and [b.callback_data for row in markup.inline_keyboard for b in row] == expected
    assert "Virtual kidnapping" in text and "A ransom call" in text and "Call 110." in text
    assert text.count("Talk it over") == (activity is not None and activity.prompt is not None)  # named once
