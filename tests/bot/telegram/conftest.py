"""The Telegram front end end to end: the real ``Application`` (bot.telegram.app) over real HTTP against the
stand-in Bot API server, with the real Rasa stack and a real quiz database. Only Telegram's servers are faked."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path

import pytest

from bot import runtime
from bot.campaigns.definition import load_definitions
from bot.campaigns.records import Definition
from bot.db import Database
from tests.bot.telegram.running import Clock, RunningBot
from tests.bot.telegram.standin import StandIn

#: The campaign files of the campaign engine's tests (a small valid campaign).
CAMPAIGN_DATA = Path(__file__).resolve().parents[1] / "campaigns" / "data"


@pytest.fixture
def standin() -> Iterator[StandIn]:
    with StandIn() as server:
        yield server


@pytest.fixture
def telegram_db(sqlite_db: Database) -> Database:
    return sqlite_db


@pytest.fixture
def make_bot(standin: StandIn, telegram_db: Database, stack: runtime.Stack) -> Iterator:
    running: list[RunningBot] = []

    def make(rasa_url: str | None = None) -> RunningBot:
        """The bot on the running stack (``rasa_url``: another way to it, such as a counting proxy)."""
        bot = RunningBot(standin, telegram_db, rasa_url or stack.rasa_url, stack.token).start()
        running.append(bot)
        return bot

    yield make
    for bot in running:
        if bot.thread.is_alive():
            bot.stop()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def make_class_bot(standin: StandIn, telegram_db: Database, clock: Clock) -> Iterator:
    """The bot without Rasa (the classroom never asks the assistant), on the test's clock; several may be made
    in turn (a restart)."""
    running: list[RunningBot] = []

    def make() -> RunningBot:
        bot = RunningBot(standin, telegram_db, "http://127.0.0.1:9", None, clock=clock).start()
        running.append(bot)
        return bot

    yield make
    for bot in running:
        if bot.thread.is_alive():
            bot.stop()


@pytest.fixture
def make_campaign_bot(standin: StandIn, telegram_db: Database, clock: Clock) -> Iterator:
    """The bot without Rasa, on the test's clock, running the campaigns given (issue 11: by default the small test
    campaign of tests/bot/campaigns/data)."""
    running: list[RunningBot] = []

    def make(definitions: Mapping[str, Definition] | None = None) -> RunningBot:
        chosen = definitions if definitions is not None else drill_campaigns()
        bot = RunningBot(standin, telegram_db, "http://127.0.0.1:9", None, clock=clock, campaign_definitions=chosen)
        running.append(bot.start())
        return bot

    yield make
    for bot in running:
        if bot.thread.is_alive():
            bot.stop()


@cache
def drill_campaigns() -> dict[str, Definition]:
    return load_definitions(CAMPAIGN_DATA / "family_drill.yml")
