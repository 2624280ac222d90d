"""The web chat's API under load: ``POST /chat/api/send`` -> the web app (one uvicorn worker, ``antifraud web``)
-> Rasa -> the action server -> replies, with the inbox, the rate-limit counters and the log written in the web
app's database (SQLite) on every message.

1. Latency: 500 messages of the benchmarks' mix (held-out NLU examples, follow-ups in the same conversation, bad
   inputs), one at a time, each conversation its own session (cookie); 10 warm-up messages first. Target: p95
   reply latency <= 500 ms.
2. Throughput: virtual users, each sending its share of the mix's conversations (each conversation its own
   session) message after message, no pause, stepped up 1, 2, 4, 8, 16, 32, ...; for each step, messages/s and
   p95. The figure: the most messages/s one worker sustains with p95 under 500 ms.

    .venv/bin/python bench/web_chat.py [--n 500] [--steps 1,2,4,8,16,32] [--per-step 160] [--no-wait]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import subprocess
import sys
import time
import urllib.request
from typing import Any

import _common as c

from bot import runtime
from bot.runtime import free_ports

TARGET_P95_MS = 500.0


def start_web(stack: Any) -> tuple[subprocess.Popen[str], str]:
    """``antifraud web`` on a free port, on a fresh scratch database, with limits out of the way."""
    (port,) = free_ports(1)
    db = c.scratch_var() / "bench_web_chat.db"
    for suffix in ("", "-wal", "-shm"):
        db.with_name(db.name + suffix).unlink(missing_ok=True)
    env = c.child_env(
        DATABASE_URL=f"sqlite:///{db}",
        ANTIFRAUD_WEB_PORT=str(port),
        ANTIFRAUD_CHAT_PER_MINUTE="600",
        ANTIFRAUD_CHAT_PER_IP_MINUTE="100000",
    )
    log = (c.scratch_var() / "web_chat.log").open("w")
    process = subprocess.Popen(
        [str(c.ANTIFRAUD), "web", "--rasa-url", stack.rasa_url, "--rasa-token", stack.token],
        cwd=c.ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"antifraud web ended with {process.returncode}: see {log.name}")
        try:
            if urllib.request.urlopen(f"{base}/healthz", timeout=2).status == 200:
                return process, base
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("antifraud web did not start")


class Users:
    """One session (cookie) per conversation of the mix."""

    def __init__(self, client: Any, base: str) -> None:
        self.client, self.base = client, base
        self.cookies: dict[str, str] = {}
        self.count = 0

    async def cookie(self, sender: str) -> str:
        """The session of ``sender``'s conversation: a new one from the page (the client keeps no cookie jar)."""
        if sender not in self.cookies:
            page = await self.client.get(f"{self.base}/chat")
            self.client.cookies.clear()
            found = re.search(r"antifraud_chat=([^;]+)", page.headers.get("set-cookie", ""))
            assert found, "the page set no session cookie"
            self.cookies[sender] = found[1]
        return self.cookies[sender]

    async def send(self, message: dict[str, Any]) -> tuple[float, int]:
        cookie = await self.cookie(message["sender"])
        self.count += 1
        body = {"id": f"bench-{self.count:08d}", "text": message["text"]}
        started = time.perf_counter()
        answer = await self.client.post(
            f"{self.base}/chat/api/send", json=body, headers={"Cookie": f"antifraud_chat={cookie}"}
        )
        self.client.cookies.clear()
        return time.perf_counter() - started, answer.status_code


async def latency(base: str, messages: list[dict[str, Any]], warmup: list[dict[str, Any]]) -> list[dict[str, Any]]:
    import httpx

    async with httpx.AsyncClient(timeout=60) as client:
        users = Users(client, base)
        for m in warmup:
            await users.send({**m, "sender": "warmup-" + m["sender"]})
        rows = []
        for m in messages:
            seconds, status = await users.send(m)
            rows.append({"kind": m["kind"], "chars": m["chars"], "seconds": seconds, "status": status})
        return rows


async def step(base: str, level: int, messages: list[dict[str, Any]], tag: str) -> dict[str, Any]:
    """``level`` users at once, each sending its own share of ``messages`` back to back."""
    import httpx

    limits = httpx.Limits(max_connections=level + 4, max_keepalive_connections=level + 4)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        users = Users(client, base)
        conversations: dict[str, list[dict[str, Any]]] = {}
        for m in messages:  # the mix's conversations, each a session of its own, dealt out to the users in turn
            conversations.setdefault(m["sender"], []).append({**m, "sender": f"{tag}-{m['sender']}"})
        shares: list[list[dict[str, Any]]] = [[] for _ in range(level)]
        for i, conversation in enumerate(conversations.values()):
            shares[i % level] += conversation
        for share in shares:  # the sessions first: the step measures messages only
            for m in share:
                await users.cookie(m["sender"])
        times: list[float] = []
        statuses: dict[int, int] = {}

        async def user(share: list[dict[str, Any]]) -> None:
            for m in share:
                seconds, status = await users.send(m)
                times.append(seconds)
                statuses[status] = statuses.get(status, 0) + 1

        started = time.monotonic()
        await asyncio.gather(*(user(share) for share in shares))
        wall = time.monotonic() - started
    return {
        "users": level,
        "messages": len(times),
        "seconds": round(wall, 2),
        "per_second": round(len(times) / wall, 1),
        "statuses": statuses,
        **c.summary_ms(times),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--steps", default="1,2,4,8,16,32")
    parser.add_argument("--per-step", type=int, default=160, help="messages per step (at least 8 per user)")
    parser.add_argument("--no-wait", action="store_true", help="do not wait for a quiet machine first")
    args = parser.parse_args()
    if c.model_missing():
        return 2
    quiet = {"quiet": None} if args.no_wait else c.wait_quiet()
    messages = c.message_mix(args.n)
    warmup = c.message_mix(10, seed=7)
    stack, failures = c.start_stack_retrying(model=runtime.model_path())
    web = None
    try:
        web, base = start_web(stack)
        rows = asyncio.run(latency(base, messages, warmup))
        steps = []
        for level in (int(x) for x in args.steps.split(",")):
            mix = c.message_mix(max(args.per_step, 8 * level), seed=1000 + level)
            steps.append(asyncio.run(step(base, level, mix, f"step{level}")))
            print(f"  {level:3d} users: {steps[-1]['per_second']:6.1f} msg/s, p95 {steps[-1]['p95_ms']:7.1f} ms")
            if steps[-1]["p95_ms"] > 2 * TARGET_P95_MS:
                break
    finally:
        if web is not None:
            web.terminate()
            web.wait(timeout=30)
        stopped = c.stop_stack(stack)

    answered = [r["seconds"] for r in rows if r["status"] == 200]
    statuses: dict[int, int] = {}
    for r in rows:
        statuses[r["status"]] = statuses.get(r["status"], 0) + 1
    overall = c.summary_ms([r["seconds"] for r in rows])
    replies = c.summary_ms(answered)
    within = [s for s in steps if s["p95_ms"] <= TARGET_P95_MS]
    best = max(within, key=lambda s: s["per_second"]) if within else None
    path = c.write_results(
        "web_chat",
        {
            "quiet": quiet,
            "start_failures": failures,
            "stopped": stopped,
            "latency": {"all": overall, "answered": replies, "statuses": statuses},
            "throughput": steps,
            "best_within_target": best,
        },
    )
    print(f"web chat latency, {len(rows)} messages one at a time (statuses {statuses}):")
    print(f"  all:      p50 {overall['p50_ms']} ms, p95 {overall['p95_ms']} ms, p99 {overall['p99_ms']} ms")
    print(f"  answered: p50 {replies['p50_ms']} ms, p95 {replies['p95_ms']} ms, max {replies['max_ms']} ms")
    print("  " + c.verdict(replies["p95_ms"], TARGET_P95_MS, "ms"))
    if best:
        print(f"one worker sustains {best['per_second']} msg/s with p95 {best['p95_ms']} ms ({best['users']} users)")
    else:
        print("no step kept p95 under the target")
    print(f"details: {path}")
    return 0 if replies["p95_ms"] <= TARGET_P95_MS else 1


if __name__ == "__main__":
    sys.exit(main())
