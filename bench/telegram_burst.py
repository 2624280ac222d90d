"""1,000 poll answers delivered in one burst of updates: how long until all are recorded (target <= 2 s).

The real Application (bot.telegram.app) polls the stand-in Bot API server (tests/bot/telegram/standin.py) over
HTTP; a class of 1,000 members answers one quiz poll posted in their group. The burst is queued at once, and the
clock runs from then until the 1,000th attempt is in the database (SQLite, the default). Each update goes through
the replay guard and the poll-answer handler; nothing is mocked but Telegram's servers. No Rasa is needed.
Usage: .venv/bin/python bench/telegram_burst.py [--answers 1000] [--backend sqlite|postgres]
"""

from __future__ import annotations

import argparse
import sys
import time

from _common import verdict, write_results
from _quizdb import scratch
from sqlalchemy import func, select

from bot.db.models import Attempt, TelegramPoll
from bot.settings import ROOT

TARGET_S = 2.0
GROUP = -100777


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--answers", type=int, default=1000)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    # The stand-in Bot API server and the running bot are the tests' own helpers: tests/ is not installed, so it is
    # imported from this checkout.
    sys.path.insert(0, str(ROOT))
    from tests.bot.telegram.running import RunningBot
    from tests.bot.telegram.standin import (
        StandIn,
        message_update,
        poll_answer_update,
        user,
    )

    with scratch(args.backend, "bench_telegram_burst") as db, StandIn() as standin:
        bot = RunningBot(standin, db, "http://127.0.0.1:9", None).start()  # poll answers need no Rasa
        teacher = user(1, "zh")
        standin.push(message_update(standin.next_update_id(), GROUP, teacher, "/quiz", group=True))
        standin.wait_calls("sendPoll", 1, GROUP)
        deadline = time.monotonic() + 20
        poll_id = None
        while poll_id is None and time.monotonic() < deadline:
            with db.read() as s:
                poll_id = s.scalar(select(TelegramPoll.poll_id))
            time.sleep(0.02)
        burst = [
            poll_answer_update(standin.next_update_id(), poll_id, user(10_000 + i, "zh"), [i % 2])
            for i in range(args.answers)
        ]
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
        bot.stop()
    print(
        f"{stored} of {args.answers} poll answers recorded in {elapsed:.2f} s "
        f"({elapsed / max(stored, 1) * 1000:.2f} ms each)  {verdict(elapsed, TARGET_S, 's')}"
    )
    out = write_results(
        "telegram_burst",
        {
            "answers": args.answers,
            "recorded": stored,
            "seconds": round(elapsed, 3),
            "target_s": TARGET_S,
            "database": args.backend,
        },
    )
    print(f"results: {out}")
    return 0 if stored == args.answers and elapsed <= TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
