"""Reply latency by turn number in one long conversation (issue 13, item 1: a flat cost per message).

The stack as ``antifraud serve`` runs it (``runtime.start_stack`` with a SQLite tracker store, which is
``bot.rasa_serve.tracker_store.BoundedSQLTrackerStore``), one conversation, ``--turns`` messages (400) sent one
after the other through the REST channel, drawn from nlu_data. Prints the median reply time of turns 1-10, 91-100,
191-200 and of the last ten, and the ratio last / first. Target: turn 400 within 1.2x of turn 10.

    .venv/bin/python bench/turn_latency.py [--turns 400] [--conversations 3] [--max-events 40]

A window's median is taken over all ``--conversations`` (one after another on the same stack): ten replies of one
conversation vary by +-25% from run to run on this machine, thirty do not.

Each window compared gets the same ten messages (the first ten of the mix); the turns in between, the rest.
``--max-events 100000`` reads whole sessions (the store without its bound) for a comparison.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

import _common as c

from bot import runtime

TARGET_RATIO = 1.2


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--turns", type=int, default=400, help="messages in the conversation (default 400)")
    parser.add_argument("--conversations", type=int, default=3, help="conversations of --turns each (default 3)")
    parser.add_argument("--max-events", type=int, default=None, help="the tracker store's bound (default: settings)")
    parser.add_argument("--no-wait", action="store_true", help="do not wait for a quiet machine first")
    args = parser.parse_args()
    if args.turns < 20:
        parser.error("--turns must be at least 20")
    if c.model_missing():
        return 2
    if args.max_events is not None:
        os.environ["ANTIFRAUD_TRACKER_MAX_EVENTS"] = str(args.max_events)  # read by runtime.write_endpoints
    from bot.settings import settings

    settings.cache_clear()
    bound = settings().tracker_max_events
    texts = c.nlu_data_texts()
    measured = {1, 91, 191, args.turns - 9}  # the first turns of the windows compared

    def message(turn: int) -> str:
        """The same ten messages in every window compared (a window's median depends on its messages), the mix
        in between."""
        start = max((m for m in measured if m <= turn), default=0)
        return texts[turn - start] if start and turn - start < 10 else texts[10 + turn % (len(texts) - 10)]

    quiet = {"quiet": None} if args.no_wait else c.wait_quiet(max_wait=120)
    tracker_db = c.scratch_var() / "turn-latency-tracker.db"
    for suffix in ("", "-wal", "-shm"):
        tracker_db.with_name(tracker_db.name + suffix).unlink(missing_ok=True)

    stack, start_failures = c.start_stack_retrying(model=runtime.model_path(), tracker_db=tracker_db)
    runs: list[list[float]] = []
    errors: list[str] = []
    try:
        for text in texts[:5]:  # warm-up (jieba's dictionary, first requests), another conversation
            stack.send("turn-latency-warmup", text)
        cpu = c.CpuMeter()
        for _ in range(args.conversations):
            sender = stack.new_sender()
            seconds: list[float] = []
            for turn in range(args.turns):
                t = time.perf_counter()
                try:
                    stack.send(sender, message(turn + 1))
                except Exception as exc:  # an HTTP error is a finding, not a crash of the benchmark
                    errors.append(f"turn {turn + 1}: {type(exc).__name__}: {exc}")
                seconds.append(time.perf_counter() - t)
            runs.append(seconds)
        cpu_report = cpu.report()
    finally:
        stopped = c.stop_stack(stack)

    def median_ms(first: int, last: int) -> float:
        return round(statistics.median([s for run in runs for s in run[first - 1 : last]]) * 1000.0, 1)

    n = args.turns
    windows = {"1-10": median_ms(1, 10)}
    for end in (100, 200):
        if n >= end + 10:
            windows[f"{end - 9}-{end}"] = median_ms(end - 9, end)
    windows[f"{n - 9}-{n}"] = median_ms(n - 9, n)
    ratio = windows[f"{n - 9}-{n}"] / windows["1-10"]

    print(
        f"Reply latency by turn, {args.conversations} conversations of {n} turns one after another "
        f"(SQLite tracker store, max_events {bound}; each window's median over all of them)"
    )
    for label, ms in windows.items():
        print(f"  turns {label:<9} median {ms:7.1f} ms")
    print(
        f"  ratio last / first: {ratio:.2f} (target <= {TARGET_RATIO})  {'PASS' if ratio <= TARGET_RATIO else 'MISS'}"
    )
    every = [s for run in runs for s in run]
    print(f"  all turns: {c.summary_ms(every)}; errors: {len(errors)}")
    print(
        f"  machine CPU busy {cpu_report['machine_busy']:.0%} (this benchmark and its servers "
        f"{cpu_report['own_cpu_s']:.1f} CPU-s, other processes {cpu_report['others_cpu_s']:.1f} CPU-s)"
    )
    if start_failures:
        print(f"  NOTE: the stack failed to start {len(start_failures)} time(s) first: {start_failures}")
    path = c.write_results(
        "turn_latency",
        {
            "turns": n,
            "conversations": args.conversations,
            "max_events": bound,
            "median_ms_by_turns": windows,
            "ratio_last_first": round(ratio, 3),
            "target_ratio": TARGET_RATIO,
            "pass": ratio <= TARGET_RATIO,
            "all": c.summary_ms(every),
            "per_turn_ms": [[round(s * 1000.0, 1) for s in run] for run in runs],
            "errors": errors,
            "cpu_during_run": cpu_report,
            "stop": stopped,
            "failed_starts": start_failures,
            "quiet_check": quiet,
        },
    )
    print(f"  -> {path.relative_to(c.ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
