"""Scheduling 100 campaigns x 10,000 recipients (1,000,000 enrolments): the bot process's memory and the time it
takes to start up, to show that the schedule lives in the database and not in the process.

The enrolments are inserted set-based (bench/_campaigndb.py: one INSERT ... SELECT over a generated series per
table): one campaign has its week 1 due now (10,000 lesson notices to send), the 99 others are due over the coming
days (by default; --all-due: all 1,000,000 due now, the worst case). Then the bot is started in a child process
(the real Application, bot.telegram.app, against the stand-in Bot API server of tests/bot/telegram/standin.py, run
here with Telegram's 30 messages a second) and measured from inside:

- start-up: the Application's start (initialize, post_init, start, polling) until the campaign sender's first
  tick is done (it gave back stale claims, planned up to 1,000 due enrolments and started sending);
- memory: VmRSS at that moment and VmHWM (the peak) after --seconds of sending (the sender plans 1,000 due
  enrolments a tick and keeps at most its window of deliveries in memory);
- the JobQueue's jobs (one repeating job, however many recipients and weeks).

The same child against a database of the due campaign alone (10,000 recipients) gives the baseline: the difference
is what the 990,000 other enrolments (waiting, or with --all-due due too) cost the process.
Usage: .venv/bin/python bench/campaign_schedule.py [--backend sqlite|postgres] [--campaigns 100]
       [--recipients 10000] [--all-due] [--seconds 20]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from typing import Any

from _campaigndb import definitions, populate
from _common import APP_PYTHON, child_env, read_status, status_mb, write_results
from _quizdb import scratch

from bot.settings import ROOT

#: The baseline: the campaign that is due, alone (the large run is the same with 99 more campaigns waiting).
BASELINE = 10_000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--campaigns", type=int, default=100)
    parser.add_argument("--recipients", type=int, default=10_000, help="per campaign")
    parser.add_argument("--all-due", action="store_true", help="every campaign's week 1 due now")
    parser.add_argument("--seconds", type=float, default=20.0, help="how long the bot sends before it is measured")
    parser.add_argument("--child", help=argparse.SUPPRESS)  # the bot process: the database URL
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))  # tests/ (the stand-in, the running bot) is imported from this checkout
    if args.child:
        print(json.dumps(child(args.child, args.base_url, args.seconds)), flush=True)
        return 0

    small = measure(args.backend, 1, BASELINE, 1, args.seconds)
    print(line(f"baseline: the due campaign alone, 1 x {BASELINE:,}", small))
    due = args.campaigns if args.all_due else 1
    large = measure(args.backend, args.campaigns, args.recipients, due, args.seconds)
    print(line(f"{args.campaigns} campaigns x {args.recipients:,} ({due} due now)", large))
    waiting = large["enrolments"] - small["enrolments"]
    print(
        f"  the {waiting:,} other enrolments cost the bot {large['vmhwm_mb'] - small['vmhwm_mb']:+.1f} MB "
        f"of peak memory and {large['startup_s'] - small['startup_s']:+.3f} s of start-up"
    )
    out = write_results(
        f"campaign_schedule_{args.backend}{'_all_due' if args.all_due else ''}",
        {"database": args.backend, "baseline": small, "large": large},
    )
    print(f"results: {out}")
    return 0 if large["jobs"] == 1 and large["sent"] > 0 else 1


def line(name: str, r: dict[str, Any]) -> str:
    return (
        f"{name} ({r['database']}; inserted in {r['populate_s']:.1f} s): start-up {r['startup_s']:.3f} s "
        f"(first tick {r['first_tick_s']:.3f} s, planned {r['planned_first_tick']}); RSS at first tick "
        f"{r['rss_first_tick_mb']} MB; after {r['seconds']:g} s of sending ({r['sent']} sent): VmRSS {r['vmrss_mb']} "
        f"MB, VmHWM {r['vmhwm_mb']} MB; JobQueue jobs {r['jobs']}"
    )


def measure(backend: str, campaigns: int, per_campaign: int, due_now: int, seconds: float) -> dict[str, Any]:
    from bot.quiz.service import QuizService
    from tests.bot.telegram.standin import StandIn

    with scratch(backend, "bench_campaign_schedule") as db, StandIn() as standin:
        QuizService(db).prepare()  # the banks, imported once (as a deployment's database has them)
        started = time.monotonic()
        populate(db, definitions(), campaigns=campaigns, per_campaign=per_campaign, due_now=due_now)
        populated = time.monotonic() - started
        standin.limit(overall_rate=30, overall_burst=30, chat_interval=1)
        url = db.engine.url.render_as_string(hide_password=False)
        command = [str(APP_PYTHON), __file__, "--child", url, "--base-url", standin.base_url, "--seconds", str(seconds)]
        env = child_env(PYTHONPATH=str(ROOT))
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600 + seconds, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"the bot process failed:\n{done.stderr[-3000:]}")
        result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return {
        "database": backend,
        "campaigns": campaigns,
        "enrolments": campaigns * per_campaign,
        "due_now": due_now * per_campaign,
        "populate_s": round(populated, 1),
        "seconds": seconds,
        **result,
    }


def child(url: str, base_url: str, seconds: float) -> dict[str, Any]:
    """The bot process: start the Application, wait for the sender's first tick, send for ``seconds``."""
    from types import SimpleNamespace

    from bot.campaigns.records import DeliveryKind, DeliveryStatus  # noqa: F401  (imported before the clock runs)
    from bot.db import Database
    from bot.telegram import sender
    from tests.bot.telegram.running import RunningBot

    plans = definitions()
    db = Database(url)
    bot = RunningBot(SimpleNamespace(base_url=base_url), db, "http://127.0.0.1:9", None, campaign_definitions=plans)  # type: ignore[arg-type]
    pid = os.getpid()
    started = time.monotonic()
    bot.start()
    pump = bot.application.bot_data[sender.PUMP]
    while pump.ticks < 1:
        time.sleep(0.005)
    startup = time.monotonic() - started
    rss_first = status_mb(read_status(pid), "VmRSS")
    planned = pump.planned
    first_tick = pump.tick_seconds
    time.sleep(seconds)
    status = read_status(pid)
    result = {
        "startup_s": round(startup, 3),
        "first_tick_s": round(first_tick, 3),
        "planned_first_tick": planned,
        "rss_first_tick_mb": rss_first,
        "vmrss_mb": status_mb(status, "VmRSS"),
        "vmhwm_mb": status_mb(status, "VmHWM"),
        "jobs": len(bot.application.job_queue.jobs()) if bot.application.job_queue else 0,
        "sent": sender.counts(bot.application)["sent"],
        "ticks": pump.ticks,
    }
    bot.stop()
    db.dispose()
    return result


if __name__ == "__main__":
    sys.exit(main())
