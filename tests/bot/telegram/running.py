"""The real Telegram ``Application`` running in a thread against a Bot API server (the stand-in), for the tests
and bench/telegram_burst.py."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta

from telegram import Update

from bot.campaigns.records import Definition
from bot.channels.assistant import Assistant
from bot.db import Database
from bot.knowledge import load_knowledge
from bot.quiz.service import QuizService, utcnow
from bot.telegram.app import build_application
from bot.telegram.config import TelegramConfig
from bot.telegram.services import Services
from tests.bot.telegram.standin import TOKEN, StandIn


class Clock:
    """The bot's clock: the real time plus what a test has moved it on by (a question's time running out without
    waiting for it). The ticker still ticks in real time and reads this clock."""

    def __init__(self) -> None:
        self.offset = timedelta(0)
        self.lock = threading.Lock()

    def __call__(self) -> datetime:
        with self.lock:
            return datetime.now(UTC) + self.offset

    def advance(self, seconds: float) -> None:
        with self.lock:
            self.offset += timedelta(seconds=seconds)


class RunningBot:
    """The Application polling the stand-in, in a thread with its own event loop; ``stop()`` shuts it down
    cleanly (as a restart would)."""

    def __init__(
        self,
        standin: StandIn,
        database: Database,
        rasa_url: str,
        rasa_token: str | None,
        clock: Callable[[], datetime] = utcnow,
        campaign_definitions: Mapping[str, Definition] | None = None,
    ) -> None:
        self.config = TelegramConfig(token=TOKEN, base_url=standin.base_url)
        quiz = QuizService(database, round_size=3, clock=clock)
        quiz.prepare()
        self.services = Services(
            quiz=quiz,
            assistant=Assistant(rasa_url, rasa_token),
            kb=load_knowledge(),
            round_size=3,
            campaign_definitions=campaign_definitions,
        )
        self.application = build_application(self.config, self.services)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def start(self) -> RunningBot:
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self.loop).result(60)
        return self

    async def _start(self) -> None:
        await self.application.initialize()
        if self.application.post_init:  # as run_polling() does
            await self.application.post_init(self.application)
        await self.application.start()
        assert self.application.updater is not None
        await self.application.updater.start_polling(poll_interval=0, timeout=1, allowed_updates=Update.ALL_TYPES)

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self.loop).result(60)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(30)

    async def _stop(self) -> None:
        assert self.application.updater is not None
        await self.application.updater.stop()
        await self.application.stop()
        if self.application.post_stop:  # as run_polling() does
            await self.application.post_stop(self.application)
        await self.application.shutdown()
        if self.application.post_shutdown:  # as run_polling() does
            await self.application.post_shutdown(self.application)
