"""Messages a second one assistant stack answers, and how long each reply takes, with 1, 10, 20 and 50
conversations at once (issue 13, item 2).

The stack as ``antifraud serve`` runs it (``runtime.start_stack``: a Rasa server and the action server, SQLite
tracker store), and with ``--rasa 2`` a second Rasa server on the same model, endpoints and tracker database, so
that the stack can use both cores; each conversation always goes to the same Rasa server (as a load balancer with
sticky sessions would send it). At each level every conversation sends its messages one after the other (it waits
for the reply), all conversations at once; messages drawn from nlu_data. Prints messages/s and p50/p95 per level.
Then 20 conversations paced to offer 30, 40, 50, 60 messages/s together (each sends on its schedule, or when its
reply comes if later): the most messages/s answered with p95 <= 300 ms. Target: >= 40 messages/s. (Unpaced, 20
conversations that never pause wait for each other: p95 <= 300 ms would need about 80 messages/s.)

    .venv/bin/python bench/stack_throughput.py [--rasa 1|2] [--messages 300] [--levels 1,10,20,50]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import signal
import subprocess
import sys
import time
from typing import Any

import _common as c
import httpx

from bot import runtime

TARGET_LEVEL, TARGET_RATE, TARGET_P95_MS = 20, 40.0, 300.0


def start_extra_rasa(stack: runtime.Stack, model: Any) -> tuple[subprocess.Popen[Any], str]:
    """Another Rasa server for the stack: same model, endpoints (action server, tracker store) and token."""
    assert stack.endpoints is not None
    (port,) = runtime.free_ports(1)
    log = c.scratch_var() / "logs" / "rasa-extra.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        [
            str(runtime.rasa_bin()),
            "run",
            "--enable-api",
            "--auth-token",
            stack.token,
            "-m",
            str(model),
            "-i",
            "127.0.0.1",
            "-p",
            str(port),
            "--endpoints",
            str(stack.endpoints),
            "--credentials",
            "credentials.yml",
        ],
        cwd=c.ROOT,
        env=runtime.child_env(ANTIFRAUD_VAR=str(c.scratch_var())),
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    runtime.wait_http(f"{url}/", proc, 180.0, "second Rasa server", log)
    return proc, url


async def level(
    urls: list[str], conversations: int, per_conversation: int, texts: list[str], offset: int, rate: float = 0.0
) -> dict:
    """``conversations`` conversations at once, each sending ``per_conversation`` messages one after the other: as
    fast as the replies come (``rate`` 0), or paced so that all together offer ``rate`` messages a second (a
    conversation sends its next message on its schedule, or as soon as the reply comes if that is later)."""
    latencies: list[float] = []
    errors: list[str] = []
    limits = httpx.Limits(max_connections=conversations + 4, max_keepalive_connections=conversations + 4)
    async with httpx.AsyncClient(timeout=60.0, limits=limits) as client:
        pace = conversations / rate if rate else 0.0  # seconds between two messages of a conversation

        async def talk(k: int) -> None:
            sender = f"throughput-{offset}-{k}-{time.time_ns()}"
            url = urls[k % len(urls)] + "/webhooks/rest/webhook"
            for m in range(per_conversation):
                if pace:
                    await asyncio.sleep(max(0.0, started + (k / conversations + m) * pace - time.perf_counter()))
                text = texts[(offset + k * per_conversation + m) % len(texts)]
                t = time.perf_counter()
                try:
                    response = await client.post(url, json={"sender": sender, "message": text})
                    response.raise_for_status()
                except httpx.HTTPError as exc:
                    errors.append(f"{type(exc).__name__}: {exc}"[:200])
                latencies.append(time.perf_counter() - t)

        started = time.perf_counter()
        await asyncio.gather(*(talk(k) for k in range(conversations)))
        wall = time.perf_counter() - started
    return {
        "conversations": conversations,
        "offered_msg_per_s": rate or None,
        "messages": len(latencies),
        "wall_s": round(wall, 2),
        "msg_per_s": round(len(latencies) / wall, 1),
        **c.summary_ms(latencies),
        "errors": len(errors),
        "error_examples": errors[:3],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rasa", type=int, choices=(1, 2), default=1, help="Rasa server processes (default 1)")
    parser.add_argument("--messages", type=int, default=300, help="messages per level, about (default 300)")
    parser.add_argument("--levels", default="1,10,20,50", help="conversations at once, per level (default 1,10,20,50)")
    parser.add_argument(
        "--rates",
        default="30,40,50,60",
        help="paced: messages/s offered by --paced conversations (default 30,40,50,60)",
    )
    parser.add_argument("--paced", type=int, default=20, help="conversations of the paced runs (default 20)")
    parser.add_argument("--no-wait", action="store_true", help="do not wait for a quiet machine first")
    args = parser.parse_args()
    levels = [int(x) for x in args.levels.split(",")]
    if c.model_missing():
        return 2
    model = runtime.model_path()
    texts = c.nlu_data_texts()
    quiet = {"quiet": None} if args.no_wait else c.wait_quiet(max_wait=120)
    tracker_db = c.scratch_var() / "throughput-tracker.db"
    for suffix in ("", "-wal", "-shm"):
        tracker_db.with_name(tracker_db.name + suffix).unlink(missing_ok=True)

    stack, start_failures = c.start_stack_retrying(model=model, tracker_db=tracker_db)
    extra: subprocess.Popen[Any] | None = None
    results: list[dict] = []
    paced: list[dict] = []
    try:
        urls = [stack.rasa_url]
        if args.rasa == 2:
            extra, url = start_extra_rasa(stack, model)
            urls.append(url)
        for k, url in enumerate(urls):  # warm-up: jieba's dictionary, the first requests of each server
            for text in texts[:5]:
                httpx.post(f"{url}/webhooks/rest/webhook", json={"sender": f"warmup-{k}", "message": text}, timeout=60)
        cpu = c.CpuMeter()
        for n, conversations in enumerate(levels):
            per = max(3, math.ceil(args.messages / conversations))
            results.append(asyncio.run(level(urls, conversations, per, texts, offset=n * 997)))
            r = results[-1]
            print(
                f"  {conversations:>3} conversations: {r['msg_per_s']:6.1f} msg/s  p50 {r['p50_ms']:7.1f}  "
                f"p95 {r['p95_ms']:7.1f}  max {r['max_ms']:7.1f} ms  ({r['messages']} messages, {r['errors']} errors)",
                flush=True,
            )
        for n, rate in enumerate(float(x) for x in args.rates.split(",") if x):
            per = max(3, math.ceil(rate * 8 / args.paced))  # about 8 seconds each
            paced.append(asyncio.run(level(urls, args.paced, per, texts, offset=(n + 7) * 997, rate=rate)))
            r = paced[-1]
            print(
                f"  {args.paced:>3} conversations offering {rate:4.0f} msg/s: {r['msg_per_s']:6.1f} msg/s  "
                f"p50 {r['p50_ms']:7.1f}  p95 {r['p95_ms']:7.1f}  max {r['max_ms']:7.1f} ms  ({r['errors']} errors)",
                flush=True,
            )
        cpu_report = cpu.report()
    finally:
        if extra is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(extra.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                extra.wait(timeout=10)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(extra.pid, signal.SIGKILL)
        stopped = c.stop_stack(stack)

    within = [r for r in paced + results if r["conversations"] == TARGET_LEVEL and r["p95_ms"] <= TARGET_P95_MS]
    best = max((r["msg_per_s"] for r in within), default=0.0)
    met = best >= TARGET_RATE
    print(f"One stack, {args.rasa} Rasa server(s), SQLite tracker store")
    print(
        f"  most messages/s with p95 <= {TARGET_P95_MS:g} ms at {TARGET_LEVEL} conversations: {best} "
        f"(target >= {TARGET_RATE:g})  {'PASS' if met else 'MISS'}"
    )
    print(
        f"  machine CPU busy {cpu_report['machine_busy']:.0%} (this benchmark and its servers "
        f"{cpu_report['own_cpu_s']:.1f} CPU-s, other processes {cpu_report['others_cpu_s']:.1f} CPU-s)"
    )
    path = c.write_results(
        f"stack_throughput-rasa{args.rasa}",
        {
            "rasa_servers": args.rasa,
            "levels": results,
            "paced": paced,
            "best_msg_per_s_within_p95": best,
            "target": {"conversations": TARGET_LEVEL, "msg_per_s": TARGET_RATE, "p95_ms": TARGET_P95_MS},
            "pass": met,
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
