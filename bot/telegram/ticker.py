"""The ticker: a background task of the bot that closes the class questions whose time is up (or that everyone
has answered) and posts their reveal. Every 0.5 s (sooner when an answer completes a question) it asks the engine
what is due; closing is a conditional update, so with several workers only the one that closes a question posts
its reveal. Everything it needs is in the database: after a restart it carries on where the session was."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging

from telegram import Bot
from telegram.ext import Application

from bot.classroom.records import Reveal
from bot.telegram.board import reveal_to_group, reveal_to_teacher
from bot.telegram.services import Services, db

logger = logging.getLogger(__name__)

INTERVAL = 0.25  # seconds between two looks at what is due (one cheap indexed query)
CLOSERS = 4  # threads closing questions at once (PostgreSQL; SQLite takes one writer at a time)
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
    """Close what is due and post the reveals; the number of questions closed here.

    The closes run in a few worker threads on PostgreSQL, one after the other in one thread on SQLite (concurrent
    writers would only queue for its lock, and retry); each group's leaderboard is posted as soon as its question
    is closed, while the next one closes; the teachers' copies (with the buttons) and stopping the polls come after
    all of them."""
    due = await db(svc.classroom.due)
    if not due:
        return 0
    loop = asyncio.get_running_loop()
    closed: list[tuple[int, Reveal]] = []
    posting: list[concurrent.futures.Future[None]] = []

    def close_all(share: list[tuple[int, int]]) -> None:
        for session_id, position in share:
            try:
                reveal = svc.classroom.close_question(session_id, position)
            except Exception:  # this one failed: the others still close; it is due again at the next tick
                logger.exception("closing question %s of session %s", position, session_id)
                continue
            if reveal is not None:  # None: another worker closed it (and posts the reveal)
                closed.append((session_id, reveal))
                posting.append(asyncio.run_coroutine_threadsafe(reveal_to_group(bot, svc, session_id, reveal), loop))

    workers = 1 if svc.quiz.db.is_sqlite else CLOSERS
    await asyncio.gather(*(asyncio.to_thread(close_all, due[i::workers]) for i in range(workers)))
    _log_failures(await asyncio.gather(*(asyncio.wrap_future(f) for f in posting), return_exceptions=True))
    teachers = (reveal_to_teacher(bot, svc, session_id, reveal) for session_id, reveal in closed)
    _log_failures(await asyncio.gather(*teachers, return_exceptions=True))
    return len(closed)


def _log_failures(results: list[object]) -> None:
    for result in results:
        if isinstance(result, BaseException):
            logger.error("posting a reveal failed: %s", result)
