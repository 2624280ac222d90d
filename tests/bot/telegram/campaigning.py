"""Helpers of the Telegram campaign tests (issue 11): a campaign started through the engine, a week's lesson notice
delivered (by the bot's delivery pump when it runs one, else as the pump would: claimed and marked sent), a family
linked through the engine. What the tests look at goes through the bot; these only set the scene."""

from __future__ import annotations

import time
from datetime import date, timedelta

from bot.campaigns.records import CampaignInfo, DeliveryKind, FamilyLink, Role
from tests.bot.telegram.running import Clock, RunningBot
from tests.bot.telegram.standin import StandIn
from tests.bot.telegram.talking import buttons, learner

#: The test campaign (tests/bot/campaigns/data/family_drill.yml): 4 weeks, the safety plan in week 2.
DRILL = "family_drill"
DRILL_TITLE = "Family scam drill"


def next_monday(today: date) -> date:
    return today + timedelta(days=7 - today.weekday())


def start_campaign(bot: RunningBot, organiser: dict, clock: Clock, *, class_ids: tuple[int, ...] = ()) -> CampaignInfo:
    """The drill from next Monday: open, or for the classes given."""
    return bot.services.campaigns.start_campaign(
        learner(bot, organiser),
        DRILL,
        class_ids=class_ids,
        open=not class_ids,
        start=next_monday(clock().date()),
        lang="en",
    )


def enrol(bot: RunningBot, info: CampaignInfo, who: dict, role: Role = Role.STUDENT, lang: str = "en") -> int:
    """``who`` enrolled through the engine; their learner id."""
    me = learner(bot, who)
    bot.services.campaigns.enrol(info.id, me, role=role, lang=lang, display_name=who["first_name"])
    return me


def link_family(bot: RunningBot, info: CampaignInfo, student: dict, parent: dict, lang: str = "en") -> FamilyLink:
    """The student invites (their consent), the parent accepts (theirs), through the engine."""
    svc = bot.services.campaigns
    invite = svc.create_invite(learner(bot, student), info.id)
    return svc.accept_invite(invite.token, learner(bot, parent), lang=lang, display_name=parent["first_name"])


def deliver_next_week(bot: RunningBot, standin: StandIn, clock: Clock, who: dict, timeout: float = 20.0) -> int:
    """Moves the clock past ``who``'s next lesson and returns that lesson delivery's id (the Open button's). The
    bot's pump sends it if the bot has one; else it is claimed and marked sent here, as the pump would."""
    svc = bot.services.campaigns
    me = learner(bot, who)
    before = len(_notices(standin, who))
    due = min(e.next_due_at for _, e in svc.learner_enrolments(me) if e.next_due_at is not None)
    clock.advance((due - clock()).total_seconds() + 60)
    svc.plan_due()
    mine = None
    while claimed := svc.claim(limit=1000):  # one per chat a claim: reminders due first, then the lesson
        for out in claimed:
            svc.mark_sent(out.delivery_id, out.claim, None)
            if out.external_id == str(who["id"]) and out.kind == DeliveryKind.LESSON:
                mine = out.delivery_id
    if mine is not None:
        return mine
    deadline = time.monotonic() + timeout  # the pump took it: its notice carries the id
    while time.monotonic() < deadline:
        notices = _notices(standin, who)
        if len(notices) > before:
            return notices[-1]
        time.sleep(0.05)
    raise AssertionError("no lesson delivered")


def _notices(standin: StandIn, who: dict) -> list[int]:
    """The delivery ids of the Open buttons sent to ``who``, in order."""
    found = [b for c in standin.sent("sendMessage", who["id"]) for b in buttons(c) if b.startswith("cw:")]
    return [int(b.removeprefix("cw:")) for b in found]
