"""The campaign delivery pump (bot/telegram/sender.py) end to end: the real Application with its JobQueue and rate
limiter, over real HTTP against the stand-in Bot API server, on a real database (SQLite; the two-worker test also
PostgreSQL), on the test's clock. The campaign is the small test definition of tests/bot/campaigns/data."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.campaigns.definition import load_definitions
from bot.campaigns.records import Definition, DeliveryKind, DeliveryStatus, OptOut, Role
from bot.db import Database
from bot.db.models import CampaignDelivery, CampaignEnrolment, Channel
from bot.i18n import t
from bot.settings import ROOT
from bot.telegram import sender
from tests.bot.telegram.running import Clock, RunningBot
from tests.bot.telegram.standin import StandIn

DRILL = ROOT / "tests" / "bot" / "campaigns" / "data" / "family_drill.yml"
#: Wednesday of the campaign's first week (it started on Monday 1 March 2027, lessons Mondays 19:00 local, quiet
#: 21:30-08:00): noon in Beijing, 4 in the morning in London (quiet: its lesson waits until 08:00 London, 08:00 UTC).
NOW = datetime(2027, 3, 3, 4, 0, tzinfo=UTC)
START = date(2027, 3, 1)
FIRST_CHAT = 5_000_000


@pytest.fixture(scope="module")
def definitions() -> dict[str, Definition]:
    return load_definitions(DRILL)


@pytest.fixture
def at_now(clock: Clock) -> Clock:
    with clock.lock:
        clock.offset = NOW - datetime.now(UTC)
    return clock


@pytest.fixture
def make_sender(
    standin: StandIn, telegram_db: Database, at_now: Clock, definitions: dict[str, Definition]
) -> Iterator[Callable[[], RunningBot]]:
    """A bot (no Rasa: nothing here asks the assistant) on the test's clock and campaign; several may run at once
    (workers) or in turn (a restart)."""
    running: list[RunningBot] = []

    def make() -> RunningBot:
        bot = RunningBot(
            standin, telegram_db, "http://127.0.0.1:9", None, clock=at_now, campaign_definitions=definitions
        ).start()
        running.append(bot)
        return bot

    yield make
    for bot in running:
        if bot.thread.is_alive():
            bot.stop()


def enrol(bot: RunningBot, count: int, *, zone: str = "beijing", first: int = FIRST_CHAT) -> list[int]:
    """``count`` students (chats first, first + 1, ...) in a new open campaign of the test definition, half in
    Chinese and half in English; their week 1 is due at once (they join late), unless it is quiet in ``zone``."""
    campaigns, classroom = bot.services.campaigns, bot.services.classroom
    organiser = classroom.learner_id(Channel.TELEGRAM, str(first - 1), lang="en")
    campaign = campaigns.start_campaign(organiser, "family_drill", open=True, start=START, lang="en")
    chats = list(range(first, first + count))
    for i, chat in enumerate(chats):
        lang = ("zh", "en")[i % 2]
        learner = classroom.learner_id(Channel.TELEGRAM, str(chat), lang=lang)
        campaigns.enrol(campaign.id, learner, role=Role.STUDENT, lang=lang, zone=zone, display_name=f"S{i}")
    return chats


def statuses(db: Database, kind: DeliveryKind | None = DeliveryKind.LESSON) -> dict[str, int]:
    """How many deliveries (of ``kind``: the week's lesson notices by default; None: all) are in each status."""
    query = select(CampaignDelivery.status, func.count()).group_by(CampaignDelivery.status)
    if kind is not None:
        query = query.where(CampaignDelivery.kind == kind.value)
    with db.read() as s:
        rows = s.execute(query).all()
    return {str(status): int(n) for status, n in rows}


def sent_to(standin: StandIn, chats: list[int], timeout: float = 60.0) -> None:
    """Wait until every chat has been sent (at least) one message."""
    wanted = set(chats)
    deadline = time.monotonic() + timeout
    while not wanted <= standin.accepted_chats():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{len(wanted - standin.accepted_chats())} of {len(wanted)} chats got nothing")
        time.sleep(0.05)


def settle(db: Database, timeout: float = 30.0) -> dict[str, int]:
    """The lesson notices' statuses once no delivery is being sent (the marks follow the sends closely)."""
    deadline = time.monotonic() + timeout
    while statuses(db, None).get(DeliveryStatus.SENDING.value) and time.monotonic() < deadline:
        time.sleep(0.05)
    return statuses(db)


def messages(standin: StandIn, chat: int) -> list[dict[str, Any]]:
    return [c.params for c in standin.sent("sendMessage", chat) if isinstance(c.result, dict) and "ok" not in c.result]


def test_each_lesson_notice_is_sent_once_in_the_recipients_language_with_its_open_button(
    standin: StandIn, make_sender: Callable[[], RunningBot], telegram_db: Database, definitions: dict[str, Definition]
) -> None:
    bot = make_sender()
    chats = enrol(bot, 12)
    sent_to(standin, chats)
    time.sleep(2.5)  # two more ticks: nothing is sent again
    assert settle(telegram_db) == {DeliveryStatus.SENT.value: 12}
    assert standin.duplicates() == {}
    drill = definitions["family_drill"]
    with telegram_db.read() as s:
        ids = dict(s.execute(select(CampaignDelivery.message_id, CampaignDelivery.id)).all())
    for i, chat in enumerate(chats):
        lang = ("zh", "en")[i % 2]
        (call,) = standin.sent("sendMessage", chat)
        assert call.params["text"] == t(
            "telegram.campaign_lesson_ready",
            lang,
            week=1,
            weeks=len(drill.weeks),
            theme=drill.week(1).theme.get(lang),
            title=drill.title.get(lang),
        )
        button = {
            "text": t("telegram.campaign_open_button", lang),
            "callback_data": f"cw:{ids[call.result['message_id']]}",
        }
        assert call.params["reply_markup"]["inline_keyboard"] == [[button]]


def test_a_429_is_honoured_and_nothing_is_lost_or_sent_twice(
    standin: StandIn, make_sender: Callable[[], RunningBot], telegram_db: Database
) -> None:
    standin.limit(throttle_share=0.3, retry_after=1, overall_rate=30, chat_interval=1)
    bot = make_sender()
    chats = enrol(bot, 40)
    sent_to(standin, chats)
    assert standin.throttled["share"] > 0  # the limits were in play
    assert standin.early == 0  # no chat was called again before its retry_after was up
    assert standin.duplicates() == {}
    assert settle(telegram_db) == {DeliveryStatus.SENT.value: 40}


def test_a_429_that_outlasts_the_rate_limiters_retries_is_sent_later_without_counting_as_a_failed_attempt(
    standin: StandIn, make_sender: Callable[[], RunningBot], telegram_db: Database
) -> None:
    for _ in range(6):  # the rate limiter tries 1 + 5 times, then the sender gets RetryAfter
        standin.fail_once("sendMessage", retry_after=1)
    bot = make_sender()
    (chat,) = enrol(bot, 1)
    sent_to(standin, [chat])
    assert len(standin.sent("sendMessage", chat)) == 7  # six 429s, then the message
    assert settle(telegram_db) == {DeliveryStatus.SENT.value: 1}
    assert sender.counts(bot.application)["retry"] == 1
    with telegram_db.read() as s:
        query = select(CampaignDelivery.attempts, CampaignDelivery.error)
        attempts, error = s.execute(query.where(CampaignDelivery.kind == DeliveryKind.LESSON.value)).one()
    assert (attempts, error) == (0, None)
    assert standin.duplicates() == {}


@pytest.mark.parametrize("refusal", ["blocked", "chat_not_found"], ids=["403-blocked", "400-chat-not-found"])
def test_a_chat_that_refuses_opts_its_person_out_and_gets_nothing_more(
    refusal: str, standin: StandIn, make_sender: Callable[[], RunningBot], telegram_db: Database, at_now: Clock
) -> None:
    bot = make_sender()
    gone = FIRST_CHAT + 1
    (standin.block if refusal == "blocked" else standin.forget)(gone)
    chats = enrol(bot, 4)
    sent_to(standin, [c for c in chats if c != gone])
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with telegram_db.read() as s:
            reasons = dict(s.execute(select(CampaignEnrolment.id, CampaignEnrolment.opt_out_reason)).all())
        if OptOut.BLOCKED.value in reasons.values():
            break
        time.sleep(0.05)
    assert sorted(r or "" for r in reasons.values()) == ["", "", "", OptOut.BLOCKED.value]
    assert settle(telegram_db) == {DeliveryStatus.SENT.value: 3, DeliveryStatus.SKIPPED.value: 1}
    tried = len(standin.sent("sendMessage", gone))
    assert tried == 1
    at_now.advance(timedelta(days=3, minutes=1).total_seconds())  # the others' reminders are due; not theirs
    others = [c for c in chats if c != gone]
    deadline = time.monotonic() + 30
    while any(len(messages(standin, c)) < 2 for c in others) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [len(messages(standin, c)) for c in others] == [2, 2, 2]
    assert len(standin.sent("sendMessage", gone)) == tried


def test_quiet_hours_hold_a_lesson_until_they_end_and_a_reminder_follows_an_unopened_lesson(
    standin: StandIn, make_sender: Callable[[], RunningBot], telegram_db: Database, at_now: Clock
) -> None:
    bot = make_sender()
    (beijing,) = enrol(bot, 1, zone="beijing")
    (london,) = enrol(bot, 1, zone="london", first=FIRST_CHAT + 100)
    sent_to(standin, [beijing])
    time.sleep(2.5)  # ticks go by: London's night is quiet
    assert messages(standin, london) == []
    at_now.advance(4 * 3600 + 60)  # 08:01 in London
    sent_to(standin, [london])
    with telegram_db.read() as s:
        lesson = s.scalar(
            select(CampaignDelivery.id)
            .join(CampaignEnrolment, CampaignEnrolment.id == CampaignDelivery.enrolment_id)
            .where(CampaignEnrolment.zone == "beijing", CampaignDelivery.kind == DeliveryKind.LESSON.value)
        )
    at_now.advance(timedelta(days=3, minutes=1).total_seconds())  # Saturday: 3 days on, the lesson not opened
    deadline = time.monotonic() + 20
    while len(messages(standin, beijing)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    notice, reminder = messages(standin, beijing)
    theme = bot.services.campaigns.plans["family_drill"].week(1).theme.zh
    assert reminder["text"] == t("telegram.campaign_reminder", "zh", week=1, theme=theme)
    # Both carry the Open button of the week's lesson.
    assert notice["reply_markup"] == reminder["reply_markup"]
    assert reminder["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == f"cw:{lesson}"


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_two_workers_send_each_delivery_exactly_once(
    backend: str, request: pytest.FixtureRequest, standin: StandIn, at_now: Clock, definitions: dict[str, Definition]
) -> None:
    db = Database(request.getfixturevalue(f"{backend}_url"))
    db.migrate()
    workers = [
        RunningBot(standin, db, "http://127.0.0.1:9", None, clock=at_now, campaign_definitions=definitions)
        for _ in range(2)
    ]
    try:
        chats = enrol(workers[0], 150)
        for worker in workers:
            worker.start()
        sent_to(standin, chats)
        assert settle(db) == {DeliveryStatus.SENT.value: 150}
        time.sleep(1.5)
        assert standin.duplicates() == {}
        assert len(standin.sent("sendMessage")) == 150
        assert sum(sender.counts(w.application)["sent"] for w in workers) == 150
    finally:
        for worker in workers:
            if worker.thread.is_alive():
                worker.stop()
        db.dispose()


def test_a_stop_in_the_middle_leaves_nothing_claimed_and_a_new_worker_resumes_without_duplicates(
    standin: StandIn, make_sender: Callable[[], RunningBot], telegram_db: Database
) -> None:
    standin.limit(overall_rate=30, chat_interval=1)
    first = make_sender()
    chats = enrol(first, 120)
    deadline = time.monotonic() + 30
    while len(standin.accepted_chats()) < 30 and time.monotonic() < deadline:
        time.sleep(0.02)
    first.stop()
    stopped = statuses(telegram_db)
    assert DeliveryStatus.SENDING.value not in stopped  # the sends in flight finished and were marked
    assert 30 <= stopped[DeliveryStatus.SENT.value] < 120
    assert stopped[DeliveryStatus.SENT.value] == len(standin.accepted_chats())
    make_sender()
    sent_to(standin, chats)
    assert settle(telegram_db) == {DeliveryStatus.SENT.value: 120}
    assert standin.duplicates() == {}
