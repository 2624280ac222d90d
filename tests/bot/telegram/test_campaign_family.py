"""Campaign families on Telegram, end to end (issue 11): the student's consent before an invite, the parent's consent
screen, /family with progress and Unlink buttons, what a parent may see (only a linked child's progress, tested with
crafted button data too), /stop, a class join that enrols in the class's campaign. The real Application against the
stand-in Bot API server, a real SQLite database and the real campaign engine."""

from __future__ import annotations

import re

import pytest

from bot.campaigns.records import Role
from tests.bot.telegram.campaigning import DRILL_TITLE, deliver_next_week, enrol, link_family, start_campaign
from tests.bot.telegram.standin import StandIn, user
from tests.bot.telegram.talking import button, buttons, learner, offered, press, said, said_count, say

ORGANISER = user(930, "en", "Ms Wu")
ANN = user(931, "en", "Ann")
MUM = user(932, "zh", "Mei")
BO = user(933, "en", "Bo")
DAD = user(934, "en", "Dan")


def test_a_student_invites_a_parent_with_both_consents(standin: StandIn, make_campaign_bot, clock) -> None:
    bot = make_campaign_bot()
    info = start_campaign(bot, ORGANISER, clock)
    enrol(bot, info, ANN)

    say(standin, ANN, "/family")
    family = said(standin, ANN["id"], "No parent linked yet.")
    press(standin, ANN, button(family, "cf:i:"))
    consent = said(standin, ANN["id"], "will see your progress")
    assert "Never your chats" in consent.params["text"]
    assert bot.services.campaigns.family(learner(bot, ANN)) == []  # nothing made before she agrees
    press(standin, ANN, button(consent, "cf:c:"))
    made = said(standin, ANN["id"], "Forward this link").params["text"]
    token = re.search(r"https://t\.me/antifraud_test_bot\?start=f_(\S+)", made)
    assert token

    say(standin, MUM, f"/start f_{token.group(1)}")
    screen = said(standin, MUM["id"], "邀请你以家长身份参加")  # in her language, naming Ann
    assert "Ann" in screen.params["text"] and buttons(screen) == [f"cf:a:{token.group(1)}"]
    assert bot.services.campaigns.family(learner(bot, ANN)) == []  # nothing before she agrees
    press(standin, MUM, f"cf:a:{token.group(1)}")
    linked = said(standin, MUM["id"], "你已和 Ann 关联")
    assert "cz:beijing" in buttons(linked)  # her first campaign: the zone comes next
    said(standin, ANN["id"], "Mei joined “Family scam drill” as your parent.")

    say(standin, ANN, "/family")
    mine = offered(standin, ANN["id"], "cf:u:")
    assert "Parent Mei: lessons opened 0/0" in mine.params["text"]
    say(standin, MUM, "/family")
    hers = offered(standin, MUM["id"], "cf:u:")
    assert "孩子 Ann" in hers.params["text"] and not any(b.startswith("cf:i:") for b in buttons(hers))
    ((_, parent),) = bot.services.campaigns.learner_enrolments(learner(bot, MUM))
    assert (parent.role, parent.lang) == (Role.PARENT, "zh")


def test_a_parent_sees_only_a_linked_childs_progress(standin: StandIn, make_campaign_bot, clock) -> None:
    bot = make_campaign_bot()
    info = start_campaign(bot, ORGANISER, clock)
    for student in (ANN, BO):
        enrol(bot, info, student)
    mum_and_ann = link_family(bot, info, ANN, MUM, lang="en")
    dad_and_bo = link_family(bot, info, BO, DAD)

    say(standin, MUM, "/family")
    seen = offered(standin, MUM["id"], "cf:u:")
    assert "Child Ann" in seen.params["text"] and "Bo" not in seen.params["text"]
    assert buttons(seen) == [f"cf:u:{mum_and_ann.id}"]

    press(standin, MUM, f"cf:u:{dad_and_bo.id}")  # crafted: another family's link
    said(standin, MUM["id"], "That family link is not yours.")
    press(standin, MUM, f"cf:i:{info.id}")  # crafted: a parent cannot invite
    said(standin, MUM["id"], "Only someone taking part as a student can invite a parent.")
    lesson = deliver_next_week(bot, standin, clock, ANN)
    press(standin, MUM, f"cw:{lesson}")  # crafted: her child's own lesson notice
    said(standin, MUM["id"], "You are not taking part in this campaign.")
    assert [link.id for link in bot.services.campaigns.family(learner(bot, DAD))] == [dad_and_bo.id]

    press(standin, ANN, f"cf:u:{mum_and_ann.id}")  # Ann unlinks: Mei sees her no more
    said(standin, ANN["id"], "Unlinked from Mei")
    say(standin, MUM, "/family")
    standin.wait_for(lambda _: said_count(standin, MUM["id"], "👪") == 2)
    last = standin.sent("sendMessage", MUM["id"])[-1].params["text"]
    assert "Ann" not in last and "You: " in last
    assert bot.services.campaigns.family_progress(learner(bot, MUM)) == []


@pytest.mark.parametrize(
    ("payload", "reply"),
    [("f_nosuchinvite", "This family invite link is not valid"), ("k_nosuchcampaign", "There is no such campaign")],
    ids=["unknown-invite", "unknown-campaign"],
)
def test_an_unusable_link_says_so_in_one_line(standin: StandIn, make_campaign_bot, payload: str, reply: str) -> None:
    make_campaign_bot()
    say(standin, DAD, f"/start {payload}")
    said(standin, DAD["id"], reply)
    assert len(standin.sent("sendMessage", DAD["id"])) == 1


def test_stop_opts_out_with_a_picker_when_in_several(standin: StandIn, make_campaign_bot, clock) -> None:
    bot = make_campaign_bot()
    first = start_campaign(bot, ORGANISER, clock)
    second = start_campaign(bot, ORGANISER, clock)
    enrol(bot, first, ANN)
    enrol(bot, second, ANN)
    ann = learner(bot, ANN)

    say(standin, ANN, "/stop")
    picker = said(standin, ANN["id"], "Stop the messages of which campaign?")
    assert buttons(picker) == [f"cs:{first.id}", f"cs:{second.id}", "cs:all"]
    press(standin, ANN, f"cs:{first.id}")
    said(standin, ANN["id"], f"no more messages from “{DRILL_TITLE}”")
    stopped = {c.id: e.opted_out_at is not None for c, e in bot.services.campaigns.learner_enrolments(ann)}
    assert stopped == {first.id: True, second.id: False}

    say(standin, ANN, "/stop")  # one left: at once
    standin.wait_for(lambda _: said_count(standin, ANN["id"], "no more messages from") == 2)
    assert all(e.opted_out_at is not None for _, e in bot.services.campaigns.learner_enrolments(ann))
    press(standin, ANN, f"cs:{first.id}")  # an old button
    said(standin, ANN["id"], "This button is no longer valid.")
    say(standin, ANN, "/family")
    said(standin, ANN["id"], "You're not in a campaign")

    say(standin, ANN, f"/start k_{first.join_token}")  # back by the link
    said(standin, ANN["id"], "You've joined")
    back = {c.id: e.opted_out_at is None for c, e in bot.services.campaigns.learner_enrolments(ann)}
    assert back == {first.id: True, second.id: False}


def test_a_class_join_enrols_in_the_class_campaign(standin: StandIn, make_campaign_bot, clock) -> None:
    bot = make_campaign_bot()
    classroom = bot.services.classroom
    info = classroom.create_class(learner(bot, ORGANISER), "Class 3B", "en", "general")
    campaign = start_campaign(bot, ORGANISER, clock, class_ids=(info.id,))
    say(standin, BO, f"/start k_{campaign.join_token}")  # not in the class: refused
    said(standin, BO["id"], "This campaign is for its classes only")

    say(standin, ANN, f"/join {info.join_code} Ann Li")
    said(standin, ANN["id"], "Welcome to “Class 3B”, Ann Li!")
    joined = said(standin, ANN["id"], "You've joined")
    assert "cz:london" in buttons(joined)
    ((found, enrolment),) = bot.services.campaigns.learner_enrolments(learner(bot, ANN))
    assert (found.id, enrolment.class_id, enrolment.role) == (campaign.id, info.id, Role.STUDENT)
    assert bot.services.campaigns.learner_enrolments(learner(bot, BO)) == []


def test_a_class_join_keeps_the_zone_picked_before(standin: StandIn, make_campaign_bot, clock) -> None:
    bot = make_campaign_bot()
    info = bot.services.classroom.create_class(learner(bot, ORGANISER), "Class 3B", "en", "general")
    by_class = start_campaign(bot, ORGANISER, clock, class_ids=(info.id,))
    open_to_all = start_campaign(bot, ORGANISER, clock)
    say(standin, ANN, f"/start k_{open_to_all.join_token}")
    said(standin, ANN["id"], "Which time zone")
    press(standin, ANN, "cz:sydney")
    said(standin, ANN["id"], "your time zone is Sydney")

    say(standin, ANN, f"/join {info.join_code} Ann Li")
    joined = offered(standin, ANN["id"], f"cf:i:{by_class.id}")  # no zone buttons this time
    assert "Your time zone: Sydney" in joined.params["text"] and buttons(joined) == [f"cf:i:{by_class.id}"]
    zones = {c.id: e.zone for c, e in bot.services.campaigns.learner_enrolments(learner(bot, ANN))}
    assert zones == {open_to_all.id: "sydney", by_class.id: "sydney"}


def test_zone_changes_every_enrolment(standin: StandIn, make_campaign_bot, clock) -> None:
    bot = make_campaign_bot()
    info = start_campaign(bot, ORGANISER, clock)
    ann = enrol(bot, info, ANN)
    say(standin, ANN, "/zone")
    zones = said(standin, ANN["id"], "Which time zone")
    assert "cz:sydney" in buttons(zones)
    press(standin, ANN, "cz:sydney")
    said(standin, ANN["id"], "your time zone is Sydney")
    ((_, enrolment),) = bot.services.campaigns.learner_enrolments(ann)
    assert enrolment.zone == "sydney"
    press(standin, BO, "cz:sydney")  # in no campaign
    said(standin, BO["id"], "You're not in a campaign")
    press(standin, ANN, "cz:mars")  # forged
    said(standin, ANN["id"], "Unknown time zone")
