"""Full-stack reply latency: REST channel -> Rasa (NLU + policies) -> action server -> reply.

500 messages (held-out NLU examples cycled, hand-written follow-ups in the same conversation, a few bad inputs),
each one real ``Stack.send`` with a new or continuing conversation id, timed around the HTTP round trip. 10
warm-up messages first, not counted. Target: p95 <= 150 ms.

    .venv/bin/python bench/latency.py [--n 500] [--tracker sqlite]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict

import _common as c

from bot import runtime

TARGET_P95_MS = 150.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=500, help="messages measured (default 500)")
    parser.add_argument("--warmup", type=int, default=10, help="warm-up messages, not counted (default 10)")
    parser.add_argument(
        "--tracker",
        choices=("memory", "sqlite"),
        default="memory",
        help="Rasa tracker store: memory (start_stack's default) or a SQLite file as `antifraud chat` uses",
    )
    parser.add_argument("--no-wait", action="store_true", help="do not wait for a quiet machine first")
    args = parser.parse_args()

    if c.model_missing():
        return 2
    model = runtime.model_path()
    quiet = {"quiet": None} if args.no_wait else c.wait_quiet()
    messages = c.message_mix(args.n)
    warmup = c.message_mix(args.warmup, seed=7)
    tracker_db = None
    if args.tracker == "sqlite":
        tracker_db = c.scratch_var() / "latency-tracker.db"
        tracker_db.unlink(missing_ok=True)

    stack, start_failures = c.start_stack_retrying(model=model, tracker_db=tracker_db)
    rows = []
    errors = []
    try:
        for m in warmup:
            stack.send("warmup-" + m["sender"], m["text"])
        cpu = c.CpuMeter()
        started = time.monotonic()
        for m in messages:
            t = time.perf_counter()
            try:
                replies = stack.send(m["sender"], m["text"])
                error = None
            except Exception as exc:  # an HTTP error is a finding, not a crash of the benchmark
                replies, error = [], f"{type(exc).__name__}: {exc}"
            dt = time.perf_counter() - t
            if error:
                errors.append({"text": m["text"][:80], "error": error})
            rows.append({**m, "seconds": dt, "replies": len(replies), "error": error})
        wall = time.monotonic() - started
        cpu_report = cpu.report()  # before stopping the servers: their CPU is read from /proc while they run
    finally:
        stopped = c.stop_stack(stack)

    ok = [r for r in rows if not r["error"]]
    overall = c.summary_ms([r["seconds"] for r in ok])

    def by(key) -> dict:
        groups = defaultdict(list)
        for r in ok:
            groups[key(r)].append(r["seconds"])
        return {k: c.summary_ms(v) for k, v in sorted(groups.items())}

    breakdown = {
        "by_kind": by(lambda r: r["kind"]),
        "by_script": by(lambda r: r["script"]),
        "by_length": by(lambda r: "long (>40 chars)" if r["chars"] > 40 else "short (<=40 chars)"),
        "by_sender": by(lambda r: "continuing" if r["continuing"] else "new"),
    }
    slowest = sorted(ok, key=lambda r: -r["seconds"])[:8]
    no_reply = [r["text"][:60] for r in ok if r["replies"] == 0]

    print(f"Full-stack reply latency ({args.tracker} tracker store), {args.warmup} warm-up messages not counted")
    print(f"  n    {overall['n']}   (errors: {len(errors)}, messages with no reply: {len(no_reply)})")
    for key in ("p50_ms", "p95_ms", "p99_ms", "max_ms", "mean_ms"):
        print(f"  {key[:-3]:<5}{overall[key]:>8.1f} ms")
    print(
        f"  throughput {len(rows) / wall:.1f} msg/s sequential; machine CPU busy {cpu_report['machine_busy']:.0%}"
        f" (this benchmark and its servers {cpu_report['own_cpu_s']:.1f} CPU-s, other processes "
        f"{cpu_report['others_cpu_s']:.1f} CPU-s)"
    )
    if start_failures:
        print(f"  NOTE: the stack failed to start {len(start_failures)} time(s) before it started: {start_failures}")
    print(f"  stack stopped in {stopped['stop_s']:.2f} s; processes left running: {stopped['left_running'] or 'none'}")
    print(f"  target p95 <= {TARGET_P95_MS:g} ms: {c.verdict(overall['p95_ms'], TARGET_P95_MS, 'ms')}")
    for name, groups in breakdown.items():
        print(f"  {name}:")
        for label, s in groups.items():
            print(
                f"    {label:<20} n={s['n']:<4} p50 {s['p50_ms']:>7.1f}  p95 {s['p95_ms']:>7.1f}"
                f"  max {s['max_ms']:>7.1f} ms"
            )
    print("  slowest:")
    for r in slowest:
        print(f"    {r['seconds'] * 1000:7.1f} ms  {r['kind']:<12} {r['chars']:>6} chars  {r['text'][:50]!r}")

    path = c.write_results(
        "latency" if args.tracker == "memory" else f"latency-{args.tracker}",
        {
            "tracker_store": args.tracker,
            "warmup": args.warmup,
            "target_p95_ms": TARGET_P95_MS,
            "pass": overall["p95_ms"] <= TARGET_P95_MS,
            **overall,
            "errors": errors,
            "no_reply": no_reply,
            "throughput_msg_s": round(len(rows) / wall, 2),
            "cpu_during_run": cpu_report,
            "stop": stopped,
            "failed_starts": start_failures,
            "quiet_check": quiet,
            **breakdown,
            "slowest": [
                {"ms": round(r["seconds"] * 1000, 1), "kind": r["kind"], "chars": r["chars"], "text": r["text"][:80]}
                for r in slowest
            ],
        },
    )
    print(f"  -> {path.relative_to(c.ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
