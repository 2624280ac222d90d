"""A campaign week sent to 10,000 recipients within Telegram's limits: the sustained rate (target >= 28 messages a
second of Telegram's 30), lost (0) and duplicated (0) messages, in one run; then the same with a restart in the
middle (the bot stopped when half is sent, a new one started): what the restart costs.

The real Application (bot.telegram.app: its JobQueue runs the campaign sender, bot/telegram/sender.py, and its
AIORateLimiter spaces the sends) sends to the stand-in Bot API server (tests/bot/telegram/standin.py), which
enforces 30 messages a second overall (a token bucket of 30) and 1 a second per chat, and answers 429 "retry after
1" at random to a share of the sends (1 % by default; the chat must then wait: a call sooner is counted as early).
The recipients (students of one open campaign, half Chinese, half English) are inserted set-based, all due now;
their lesson deliveries are planned by the sender itself (plan_due, 1,000 a tick), claimed and sent.

Figures: the sustained rate over the middle 80 % of the sends (from the 10th to the 90th percentile of acceptance
times) and over all of them (first to last); lost = recipients the stand-in accepted nothing for; duplicated =
messages accepted more than once; the lesson notices' statuses in the database (all "sent"; the reminders that
each sent lesson schedules are "pending", 3 and 6 days on); the 429s by cause. With the restart:
how long stopping took (the sends in flight finish and are marked), the gap in the sends (last accepted before the
stop -> first after), and the whole run's time against the run without a restart.
Usage: .venv/bin/python bench/campaign_send.py [--recipients 10000] [--share 0.01] [--backend sqlite|postgres]
       [--no-restart]
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from _campaigndb import definitions, populate
from _common import percentile, write_results
from _quizdb import scratch
from sqlalchemy import func, select

from bot.campaigns.records import DeliveryKind
from bot.db import Database
from bot.db.models import CampaignDelivery
from bot.settings import ROOT

TARGET_RATE = 28.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--share", type=float, default=0.01, help="share of sends answered 429 (retry after 1 s)")
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--no-restart", action="store_true")
    args = parser.parse_args()
    # The stand-in Bot API server and the running bot are the tests' own helpers: tests/ is not installed, so it is
    # imported from this checkout.
    sys.path.insert(0, str(ROOT))

    results: dict[str, Any] = {"database": args.backend, "recipients": args.recipients, "share_429": args.share}
    one = run(args.backend, args.recipients, args.share, restart=False)
    results["one_run"] = one
    print(report("one run", one))
    ok = one["lost"] == 0 and one["duplicated"] == 0 and one["rate_middle"] >= TARGET_RATE and _all_sent(one)
    if not args.no_restart:
        again = run(args.backend, args.recipients, args.share, restart=True)
        again["restart_cost_s"] = round(again["elapsed_s"] - one["elapsed_s"], 2)
        results["with_restart"] = again
        print(report("with a restart at 50 %", again, rate=False))
        print(
            f"  restart: stopping took {again['stop_s']:.2f} s (in-flight sends finished: {again['claimed_after_stop']}"
            f" left claimed), starting {again['start_s']:.2f} s; sends paused {again['gap_s']:.2f} s; the whole "
            f"run took {again['restart_cost_s']:+.2f} s against the run without a restart"
        )
        ok = ok and again["lost"] == 0 and again["duplicated"] == 0 and again["claimed_after_stop"] == 0
        ok = ok and _all_sent(again)
    out = write_results(f"campaign_send_{args.backend}", {"target_rate": TARGET_RATE, **results})
    print(f"results: {out}")
    return 0 if ok else 1


def _all_sent(r: dict[str, Any]) -> bool:
    return bool(r["lessons"] == {"sent": r["recipients"]})


def report(name: str, r: dict[str, Any], *, rate: bool = True) -> str:
    good = r["lost"] == 0 and r["duplicated"] == 0 and _all_sent(r) and (r["rate_middle"] >= TARGET_RATE or not rate)
    target = f"target >= {TARGET_RATE:g} msg/s, 0 lost, 0 duplicated" if rate else "target 0 lost, 0 duplicated"
    return (
        f"{name} ({r['database']}, {r['recipients']} recipients, {r['share_429']:.0%} answered 429): "
        f"{r['sent']} sent in {r['elapsed_s']:.1f} s; sustained {r['rate_middle']:.2f} msg/s "
        f"(first to last {r['rate_all']:.2f}); lost {r['lost']}, duplicated {r['duplicated']}; "
        f"429s {r['throttled']}, early calls {r['early']}; lesson notices {r['lessons']}, reminders "
        f"{r['reminders']}  {'PASS' if good else 'MISS'} ({target})"
    )


def run(backend: str, recipients: int, share: float, *, restart: bool) -> dict[str, Any]:
    from tests.bot.telegram.running import RunningBot
    from tests.bot.telegram.standin import StandIn

    plans = definitions()
    extra: dict[str, Any] = {}
    with scratch(backend, "bench_campaign_send") as db, StandIn() as standin:
        population = populate(db, plans, campaigns=1, per_campaign=recipients, due_now=1)
        standin.limit(throttle_share=share, retry_after=1, overall_rate=30, overall_burst=30, chat_interval=1)

        def bot() -> Any:
            return RunningBot(standin, db, "http://127.0.0.1:9", None, campaign_definitions=plans)

        first = bot()
        started = time.monotonic()
        first.start()
        if restart:
            _wait(lambda: len(standin.accepted_at) >= recipients // 2, recipients / 20 + 120)
            stopping = time.monotonic()
            first.stop()
            stopped = time.monotonic()
            extra["stop_s"] = round(stopped - stopping, 3)
            extra["claimed_after_stop"] = _statuses(db).get("sending", 0)
            extra["sent_before_restart"] = len(standin.accepted_at)
            before = standin.accepted_at[-1]
            second = bot()
            second.start()
            extra["start_s"] = round(time.monotonic() - stopped, 3)
            _wait(lambda: len(standin.accepted_at) > extra["sent_before_restart"], 120)
            extra["gap_s"] = round(standin.accepted_at[extra["sent_before_restart"]] - before, 3)
            last = second
        else:
            last = first
        chats = set(population.chats())
        _wait(lambda: chats <= standin.accepted_chats(), recipients / 20 + 120, quiet=True)
        finished = time.monotonic()
        _wait(lambda: _statuses(db).get("sending", 0) == 0, 30)
        last.stop()
        times = sorted(standin.accepted_at)
        middle = (percentile(times, 90) - percentile(times, 10)) or float("nan")
        return {
            "database": backend,
            "recipients": recipients,
            "share_429": share,
            "sent": len(times),
            "elapsed_s": round(finished - started, 2),
            "first_send_s": round(times[0] - started, 3),
            "rate_middle": round(0.8 * len(times) / middle, 2),
            "rate_all": round((len(times) - 1) / (times[-1] - times[0]), 2),
            "lost": len(chats - standin.accepted_chats()),
            "duplicated": sum(n - 1 for n in standin.duplicates().values()),
            "lessons": _statuses(db, lessons=True),
            "reminders": _statuses(db, lessons=False),
            "throttled": dict(standin.throttled),
            "early": standin.early,
            **extra,
        }


def _statuses(db: Database, lessons: bool | None = None) -> dict[str, int]:
    """The deliveries by status: all of them, the lesson notices (``lessons``) or the reminders (not ``lessons``)."""
    query = select(CampaignDelivery.status, func.count()).group_by(CampaignDelivery.status)
    if lessons is not None:
        is_lesson = CampaignDelivery.kind == DeliveryKind.LESSON.value
        query = query.where(is_lesson if lessons else ~is_lesson)
    with db.read() as s:
        rows = s.execute(query).all()
    return {str(status): int(n) for status, n in rows}


def _wait(condition: Any, timeout: float, *, quiet: bool = False) -> None:
    """Wait until ``condition()``; after ``timeout`` s raise (``quiet``: return, and the figures tell)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            if quiet:
                return
            raise TimeoutError("benchmark: condition not met in time")
        time.sleep(0.05)


if __name__ == "__main__":
    sys.exit(main())
