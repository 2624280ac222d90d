"""The ticker: a background task of the bot that closes the class questions whose time is up (or that everyone
has answered) and posts their reveal. Every 0.5 s (sooner when an answer completes a question) it asks the engine
what is due; closing is a conditional update, so with several workers only the one that closes a question posts
its reveal. Everything it needs is in the database: after a restart it carries on where the session was."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from telegram import Bot
from telegram.ext import Application

from bot.telegram.board import announce_reveal
from bot.telegram.services import Services, db

logger = logging.getLogger(__name__)

INTERVAL = 0.5  # seconds between two looks at what is due
TASK, WAKE = "classroom_ticker", "classroom_ticker_wake"


def start(application: Application) -> None:
    """Start the ticker on the running event loop (idempotent: post_init may run it once per process)."""
    running = application.bot_data.get(TASK)
    if running is not None and not running.done():
        return
    wake = asyncio.Event()
    application.bot_data[WAKE] = wake
    application.bot_data[TASK] = asyncio.create_task(_run(application.bot, application.bot_data["services"], wake))


async def stop(application: Application) -> None:
    task = application.bot_data.pop(TASK, None)
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):  # stopping: its outcome is of no use
            await task


def poke(application: Application) -> None:
    """Look now (an answer may have completed a question): the class moves on without waiting for the tick."""
    wake = application.bot_data.get(WAKE)
    if wake is not None:
        wake.set()


async def _run(bot: Bot, svc: Services, wake: asyncio.Event) -> None:
    while True:
        try:
            await tick(bot, svc)
        except Exception:  # the database or Telegram failed this time: log it, try again at the next tick
            logger.exception("classroom ticker")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), INTERVAL)
        wake.clear()


async def tick(bot: Bot, svc: Services) -> int:
    """Close what is due and post the reveals (classes in parallel); the number of questions closed here."""
    due = await db(svc.classroom.due)
    closed = await asyncio.gather(*(_close(bot, svc, session_id, position) for session_id, position in due))
    return sum(closed)


async def _close(bot: Bot, svc: Services, session_id: int, position: int) -> bool:
    reveal = await db(svc.classroom.close_question, session_id, position)
    if reveal is None:
        return False  # another worker closed it (and posts the reveal)
    await announce_reveal(bot, svc, session_id, reveal)
    return True
