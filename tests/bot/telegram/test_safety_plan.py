"""The family safety plan on Telegram (issue 11): the three steps with their state in the buttons, the plan recorded
(only that it was made), and the card sent to the learner and to each linked family member in their own language.
The real Application against the stand-in Bot API server, a real SQLite database and the real campaign engine."""

from __future__ import annotations

import pytest

from bot.campaigns.card import PLAN_CHECKS
from bot.telegram import safetyplan
from tests.bot.telegram.campaigning import deliver_next_week, enrol, link_family, start_campaign
from tests.bot.telegram.standin import StandIn, user
from tests.bot.telegram.talking import buttons, learner, offered, press, said

ORGANISER = user(940, "en", "Ms Wu")
ANN = user(941, "en", "Ann")
MUM = user(942, "zh", "Mei")
DAD = user(943, "en", "Dan")
BO = user(944, "en", "Bo")


@pytest.mark.parametrize("lang", ["zh", "en"], ids=["zh", "en"])
@pytest.mark.parametrize("name", ["start", "2", "3"], ids=["step-1", "step-2", "step-3"])
def test_every_step_fits_in_callback_data(name: str, lang: str) -> None:
    _, markup = safetyplan.step(2_000_000_000, name, safetyplan.ALL_CHECKS, lang)
    data = [str(b.callback_data) for row in markup.inline_keyboard for b in row]
    assert data and all(len(d.encode()) <= 64 and safetyplan.PLAN_BUTTON.match(d) for d in data)


def test_a_tick_toggles_one_check() -> None:
    _, markup = safetyplan.step(7, "2", 0b101, "en")
    data = [str(b.callback_data) for row in markup.inline_keyboard for b in row]
    assert data == ["cp:7:2:4", "cp:7:2:7", "cp:7:2:1", "cp:7:2:13", "cp:7:2:21", "cp:7:3:5"]
    assert safetyplan.checks_of(0b101) == (PLAN_CHECKS[0], PLAN_CHECKS[2])


def test_the_plan_is_made_and_each_family_member_gets_the_card(standin: StandIn, make_campaign_bot, clock) -> None:
    bot = make_campaign_bot()
    info = start_campaign(bot, ORGANISER, clock)
    enrol(bot, info, ANN)
    link_family(bot, info, ANN, MUM, lang="zh")
    link_family(bot, info, ANN, DAD)
    deliver_next_week(bot, standin, clock, ANN)
    week2 = deliver_next_week(bot, standin, clock, ANN)  # week 2's activity is the safety plan

    press(standin, ANN, f"cw:{week2}")
    lesson = offered(standin, ANN["id"], f"cp:{info.id}:")
    assert buttons(lesson) == [f"cq:{info.id}:2", f"cp:{info.id}:start"]
    press(standin, ANN, f"cp:{info.id}:start")
    first = said(standin, ANN["id"], "Step 1 of 3")
    assert "I will never ask for it" in first.params["text"]
    press(standin, ANN, f"cp:{info.id}:2:0")
    said(standin, ANN["id"], "Step 2 of 3")
    press(standin, ANN, f"cp:{info.id}:2:1")  # tick: their saved number
    ticked = offered(standin, ANN["id"], f"cp:{info.id}:3:1")  # the step again, drawn with the tick
    assert ticked.method == "editMessageText" and f"cp:{info.id}:2:0" in buttons(ticked)
    press(standin, ANN, f"cp:{info.id}:3:17")  # and 12308
    said(standin, ANN["id"], "Step 3 of 3")
    press(standin, ANN, f"cp:{info.id}:done:17")

    mine = standin.wait_calls("sendPhoto", 1, chat_id=ANN["id"])[0]
    assert mine.params["photo"]["head"].startswith(b"\x89PNG") and "plan is made" in mine.params["caption"]
    mum = standin.wait_calls("sendPhoto", 1, chat_id=MUM["id"])[0]
    assert "家庭安全计划" in mum.params["caption"]  # in her language
    dad = standin.wait_calls("sendPhoto", 1, chat_id=DAD["id"])[0]
    assert "Your family made its safety plan" in dad.params["caption"]
    assert bot.services.campaigns.progress(learner(bot, ANN), info.id).plan_made


def test_someone_outside_the_campaign_gets_one_line_and_no_card(standin: StandIn, make_campaign_bot, clock) -> None:
    bot = make_campaign_bot()
    info = start_campaign(bot, ORGANISER, clock)
    enrol(bot, info, ANN)
    press(standin, BO, f"cp:{info.id}:done:31")
    said(standin, BO["id"], "This button is no longer valid.")
    press(standin, ANN, f"cp:{info.id}:done:999")  # forged checks
    said(standin, ANN["id"], "This button is no longer valid.")
    assert standin.sent("sendPhoto") == []
    assert not bot.services.campaigns.progress(learner(bot, ANN), info.id).plan_made
