"""WeChat callback: POST -> passive reply, through the web app's /wechat route (uvicorn), the real Rasa stack and
the stand-in of WeChat (tests/bot/web/wechat_standin.py) that signs and POSTs each message as WeChat does.

1. **Sequential**: 500 mixed messages (held-out NLU stories and questions in conversations with their follow-ups,
   bad inputs, quiz rounds answered by typed numbers and letters, subscribe events and menu clicks), one at a time:
   p50 / p95 / p99 / max of POST -> the answer, and how many were passive replies. Target: p95 well under the
   4.5 s deadline (WeChat's own limit is 5 s).
2. **50 concurrent users**, each sending its messages one after another (500 in all): the share answered by the
   customer-service fallback (``success`` first: the turn missed the deadline), and the share of answers later than
   4.5 s (they would count as lost to WeChat).

SQLite quiz database (the default), plaintext callbacks (``--safe`` for the safe mode). The web app runs in a process
of its own (uvicorn, one worker), as in production: the stand-in's client threads do not share its interpreter.
Usage: .venv/bin/python bench/wechat_callback.py [--n 500] [--users 50] [--safe] [--no-wait]
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

import _common as c

from bot import runtime
from bot.settings import ROOT

DEADLINE = 4.5


def mixed(n: int, users: int, seed: int) -> list[list[dict[str, Any]]]:
    """``n`` callback messages split over ``users`` senders (each list in the order its user sends them)."""
    sys.path.insert(0, str(ROOT))
    from tests.bot.web.wechat_standin import event, openid, text

    rng = random.Random(seed)
    talk = c.message_mix(n, seed=seed)
    per_user: list[list[dict[str, Any]]] = [[] for _ in range(users)]
    senders: dict[str, int] = {}
    made = 0
    i = 0
    while made < n:
        roll = rng.random()
        slot = made % users
        user = openid(f"bench-{seed}-{slot}-{made // users if users > 1 else made // 40}")
        if roll < 0.06:  # follow the account, then choose a language
            per_user[slot] += [event(user, "subscribe", at=int(time.time()) + made), text(user, rng.choice("12"))]
            made += 2
        elif roll < 0.12:  # the account menu
            per_user[slot].append(event(user, "CLICK", rng.choice(["HOTLINE", "RED_FLAGS", "QUIZ"]), at=made))
            made += 1
        elif roll < 0.20:  # a quiz round started and answered by typing: a number, then letters
            per_user[slot] += [text(user, rng.choice(["考考我", "quiz me"])), text(user, "1")]
            per_user[slot] += [text(user, rng.choice("ABab")) for _ in range(3)]
            made += 5
        else:  # a story, a question, a follow-up or a bad input, in its conversation
            m = talk[i % len(talk)]
            i += 1
            conversation = senders.setdefault(m["sender"], len(senders))
            # A conversation is one person's: always the same sender, one message after another.
            per_user[conversation % users].append(text(openid(f"bench-{seed}-talk-{conversation}"), m["text"]))
            made += 1
    return per_user


def serve_app(args: argparse.Namespace) -> int:
    """The web app with its /wechat routes under uvicorn on ``args.port`` (the benchmark's child process)."""
    import uvicorn

    from bot.channels.assistant import Assistant
    from bot.classroom.service import ClassroomService
    from bot.db import Database
    from bot.web.app import create_app
    from bot.web.wechat import WeChat
    from bot.web.wechat_config import WeChatConfig

    db = Database(args.db)
    config = WeChatConfig(args.token, args.app_id, args.app_secret, args.aes or None, args.api, DEADLINE)
    wechat = WeChat(config, db, Assistant(args.rasa_url, args.rasa_token))
    app = create_app(ClassroomService(db), db, bot_username=None, extra_routes=wechat.routes())
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", lifespan="off")
    return 0


def start_app(stack: Any, db_url: str, standin: Any, aes: str | None) -> tuple[subprocess.Popen[bytes], str]:
    """This script again with ``--serve``: the web app in a process of its own; (the process, its URL)."""
    import httpx

    from tests.bot.web.wechat_standin import APP_ID, APP_SECRET, TOKEN

    (port,) = runtime.free_ports(1)
    command = [str(c.APP_PYTHON), __file__, "--serve", "--port", str(port), "--db", db_url]
    command += ["--rasa-url", stack.rasa_url, "--rasa-token", stack.token, "--api", standin.base_url]
    command += ["--token", TOKEN, "--app-id", APP_ID, "--app-secret", APP_SECRET, "--aes", aes or ""]
    process = subprocess.Popen(command, env=c.child_env(PYTHONPATH=str(ROOT)))
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return process, url
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("the web app did not start")
        time.sleep(0.2)


@dataclass
class Account:
    standin: Any
    url: str


def run(account: Any, plan: list[list[dict[str, Any]]], concurrent: bool) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    lock = threading.Lock()

    def user(messages: list[dict[str, Any]]) -> None:
        for message in messages:
            delivery = account.standin.deliver(account.url, message)
            first = delivery.attempts[0]
            row = {
                "kind": message["MsgType"],
                "seconds": first.seconds,
                "status": first.status,
                "passive": delivery.reply is not None,
                "success": first.body.strip() == "success",
                "timed_out": first.timed_out,
                "attempts": len(delivery.attempts),
            }
            with lock:
                rows.append(row)

    if not concurrent:
        for messages in plan:
            user(messages)
        return rows
    threads = [threading.Thread(target=user, args=(messages,)) for messages in plan]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return rows


def figures(rows: list[dict[str, Any]]) -> dict[str, Any]:
    seconds = [r["seconds"] for r in rows]
    answered_text = [r for r in rows if r["kind"] == "text"]
    return {
        **c.summary_ms(seconds),
        "passive": sum(r["passive"] for r in rows),
        "success_fallback": sum(r["success"] for r in rows),
        "text_messages": len(answered_text),
        "fallback_share_of_texts": round(sum(r["success"] for r in answered_text) / max(1, len(answered_text)), 4),
        "over_deadline": sum(r["seconds"] > DEADLINE for r in rows),
        "over_deadline_share": round(sum(r["seconds"] > DEADLINE for r in rows) / max(1, len(rows)), 4),
        "timed_out": sum(r["timed_out"] for r in rows),
        "retried": sum(r["attempts"] > 1 for r in rows),
        "errors": dict(Counter(r["status"] for r in rows if r["status"] != 200)),
        "kinds": dict(Counter(r["kind"] for r in rows)),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=500, help="messages in each part (default 500)")
    parser.add_argument("--users", type=int, default=50, help="concurrent users in part 2 (default 50)")
    parser.add_argument("--safe", action="store_true", help="safe mode (AES) instead of plaintext")
    parser.add_argument("--no-wait", action="store_true", help="do not wait for a quiet machine first")
    for option in ("--db", "--rasa-url", "--rasa-token", "--api", "--token", "--app-id", "--app-secret", "--aes"):
        parser.add_argument(option, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        return serve_app(args)
    if c.model_missing():
        return 2
    sys.path.insert(0, str(ROOT))
    from bot.db import Database
    from tests.bot.web.wechat_standin import AES_KEY, WeChatStandIn

    quiet = {"quiet": None} if args.no_wait else c.wait_quiet()
    path = c.scratch_var() / "wechat-bench.db"
    path.unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    db = Database(url)
    db.migrate()
    stack, start_failures = c.start_stack_retrying(model=runtime.model_path(), database_url=url)
    aes = AES_KEY if args.safe else None
    results: dict[str, Any] = {"quiet": quiet, "start_failures": start_failures, "safe_mode": args.safe}
    try:
        with WeChatStandIn(aes_key=aes) as standin:
            app, app_url = start_app(stack, url, standin, aes)
            try:
                account = Account(standin, app_url + "/wechat")
                for warm in mixed(20, 1, seed=3):
                    run(account, [warm], concurrent=False)
                cpu = c.CpuMeter()
                started = time.monotonic()
                sequential = run(account, mixed(args.n, 1, seed=11), concurrent=False)
                results["sequential"] = figures(sequential) | {"wall_s": round(time.monotonic() - started, 1)}
                started = time.monotonic()
                crowd = run(account, mixed(args.n, args.users, seed=12), concurrent=True)
                results["concurrent"] = figures(crowd) | {
                    "users": args.users,
                    "wall_s": round(time.monotonic() - started, 1),
                }
                results["cpu"] = cpu.report()
                time.sleep(5)  # the last customer-service messages
                results["customer_service_messages"] = len([s for s in standin.sent if s.errcode == 0])
                results["token_fetches"] = standin.token_fetches
            finally:
                app.terminate()
                app.wait(20)
    finally:
        c.stop_stack(stack)
        db.dispose()
    s, k = results["sequential"], results["concurrent"]
    print(f"WeChat callback, {'safe mode' if args.safe else 'plaintext'}, SQLite")
    print(
        f"  sequential, {s['n']} messages: p50 {s['p50_ms']} ms, p95 {s['p95_ms']} ms, p99 {s['p99_ms']} ms, "
        f"max {s['max_ms']} ms; passive replies {s['passive']}, success fallbacks {s['success_fallback']}"
    )
    print(f"    {c.verdict(s['p95_ms'], DEADLINE * 1000, 'ms')} (p95 is {s['p95_ms'] / 45:.1f} % of the deadline)")
    print(
        f"  {k['users']} concurrent users, {k['n']} messages in {k['wall_s']} s: p50 {k['p50_ms']} ms, "
        f"p95 {k['p95_ms']} ms, max {k['max_ms']} ms; customer-service fallback {k['success_fallback']} "
        f"({k['fallback_share_of_texts']:.1%} of the texts), later than 4.5 s {k['over_deadline']} "
        f"({k['over_deadline_share']:.1%}), WeChat timeouts {k['timed_out']}"
    )
    print(f"  results: {c.write_results('wechat_callback', results)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
