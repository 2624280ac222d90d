"""1,000 poll answers delivered in one burst of updates: how long until all are recorded (target <= 2 s).

The real Application (bot.telegram.app) polls the stand-in Bot API server (tests/bot/telegram/standin.py) over
HTTP; a class of 1,000 members answers one quiz poll posted in their group. The burst is queued at once, and the
clock runs from then until the 1,000th attempt is in the database (SQLite, the default). Each update goes through
the replay guard and the poll-answer handler; nothing is mocked but Telegram's servers. No Rasa is needed.
Usage: .venv/bin/python bench/telegram_burst.py [--answers 1000] [--db URL]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import threading
import time

from _common import RESULTS, verdict, write_results
from sqlalchemy import func, select
from telegram import Update

from bot.db import Database
from bot.db.models import Attempt, TelegramPoll
from bot.knowledge import load_knowledge
from bot.quiz.service import QuizService
from bot.telegram.app import build_application
from bot.telegram.assistant import Assistant
from bot.telegram.config import TelegramConfig
from bot.telegram.handlers import Services
from tests.bot.telegram.standin import TOKEN, StandIn, message_update, poll_answer_update, user

TARGET_S = 2.0
GROUP = -100777


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--answers", type=int, default=1000)
    parser.add_argument("--db", default=None, help="database URL (default: a scratch SQLite file)")
    args = parser.parse_args()
    path = RESULTS / "var" / "telegram_burst.db"
    for suffix in ("", "-wal", "-shm"):
        p = path.with_name(path.name + suffix)
        if p.exists():
            p.unlink()
    db = Database(args.db or f"sqlite:///{path}")
    quiz = QuizService(db)
    quiz.prepare()
    with StandIn() as standin:
        services = Services(quiz=quiz, assistant=Assistant("http://127.0.0.1:9"), kb=load_knowledge())
        application = build_application(TelegramConfig(token=TOKEN, base_url=standin.base_url), services)
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, daemon=True)
        thread.start()

        async def start() -> None:
            await application.initialize()
            await application.start()
            await application.updater.start_polling(poll_interval=0, timeout=1, allowed_updates=Update.ALL_TYPES)

        asyncio.run_coroutine_threadsafe(start(), loop).result(60)
        teacher = user(1, "zh")
        standin.push(message_update(standin.next_update_id(), GROUP, teacher, "/quiz", group=True))
        standin.wait_calls("sendPoll", 1, GROUP)
        deadline = time.monotonic() + 20
        poll_id = None
        while poll_id is None and time.monotonic() < deadline:
            with db.read() as s:
                poll_id = s.scalar(select(TelegramPoll.poll_id))
            time.sleep(0.02)
        burst = [poll_answer_update(standin.next_update_id(), poll_id, user(10_000 + i, "zh"), [i % 2])
                 for i in range(args.answers)]
        started = time.perf_counter()
        standin.push(*burst)
        stored = 0
        while time.perf_counter() - started < 60:
            with db.read() as s:
                stored = s.scalar(select(func.count()).select_from(Attempt)) or 0
            if stored >= args.answers:
                break
            time.sleep(0.01)
        elapsed = time.perf_counter() - started

        async def stop() -> None:
            await application.updater.stop()
            await application.stop()
            await application.shutdown()
            await application.post_shutdown(application)

        asyncio.run_coroutine_threadsafe(stop(), loop).result(60)
        loop.call_soon_threadsafe(loop.stop)
    print(f"{stored} of {args.answers} poll answers recorded in {elapsed:.2f} s "
          f"({elapsed / max(stored, 1) * 1000:.2f} ms each)  {verdict(elapsed, TARGET_S, 's')}")
    out = write_results("telegram_burst", {"answers": args.answers, "recorded": stored, "seconds": round(elapsed, 3),
                                           "target_s": TARGET_S, "database": db.url.get_backend_name()})
    print(f"results: {out}")
    return 0 if stored == args.answers and elapsed <= TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
