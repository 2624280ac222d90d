"""Scale-out (issue 13): the assistant with 1 and then 2 Rasa workers behind HAProxy (bot/layout.py: shared PostgreSQL
tracker store, Redis lock store, as many action servers as Rasa workers), driven through the balancer's REST
channel by ``--users`` concurrent conversations (each sends its messages one after another).

1. Per layout: messages/s over the run, p50 / p95 of POST -> reply, and the CPU the layout used per message (all of
   this benchmark's processes: Rasa workers, action servers, HAProxy, the clients), then the ratio 2 workers / 1
   worker (2 cores here: the ceiling is about 2x).
2. The same curve written down for bigger machines from the per-message CPU cost: a machine of K cores with K Rasa
   workers does at most K / (CPU seconds per message) messages/s, times the efficiency measured here (the ratio / 2).
3. The WeChat 5-second rule under ``--wechat-users`` concurrent users against the 2-worker layout
   (bench/wechat_callback: the web app in its own process, the WeChat stand-in): the share of answers later than
   4.5 s (target 0).

Indicative on a shared 2-core machine. Usage:
.venv/bin/python bench/scale_out.py [--n 300] [--users 30] [--wechat-n 300] [--wechat-users 50] [--no-wait]
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from typing import Any

import _common as c
import httpx

from bot import layout, runtime
from bot.settings import ROOT

TRACKER = "postgresql://postgres@127.0.0.1:5432/antifraud_tracker_bench"
CORES = (4, 8, 16, 32)


def options(workers: int) -> layout.LayoutOptions:
    return layout.LayoutOptions(
        workers=workers,
        tracker_url=TRACKER,
        lock_prefix="bench",
        database_url=f"sqlite:///{c.scratch_var() / 'scale.db'}",
    )


def conversations(n: int, users: int, seed: int) -> list[list[tuple[str, str]]]:
    """``n`` messages of the benchmark mix split over ``users`` clients, each conversation kept whole and in order."""
    per_user: list[list[tuple[str, str]]] = [[] for _ in range(users)]
    senders: dict[str, int] = {}
    for m in c.message_mix(n, seed=seed):
        slot = senders.setdefault(m["sender"], len(senders)) % users
        per_user[slot].append((f"{seed}-{m['sender']}", m["text"]))
    return per_user


def drive(url: str, plan: list[list[tuple[str, str]]]) -> tuple[list[float], int, float]:
    """Every client in its own thread; (latencies of the answered messages, errors, wall seconds)."""
    seconds: list[float] = []
    errors = 0
    lock = threading.Lock()

    def client(messages: list[tuple[str, str]]) -> None:
        nonlocal errors
        with httpx.Client(timeout=60) as http:
            for sender, text in messages:
                started = time.monotonic()
                try:
                    ok = http.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}).is_success
                except httpx.HTTPError:
                    ok = False
                with lock:
                    if ok:
                        seconds.append(time.monotonic() - started)
                    else:
                        errors += 1

    threads = [threading.Thread(target=client, args=(messages,)) for messages in plan if messages]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return seconds, errors, time.monotonic() - started


def measure(workers: int, args: argparse.Namespace) -> dict[str, Any]:
    model = runtime.model_path()
    started = time.monotonic()
    with layout.start_layout(model, options(workers), var=c.scratch_var()) as running:
        start_s = round(time.monotonic() - started, 1)
        drive(running.rasa_url, conversations(40, 8, seed=workers))  # warm-up: every worker's first turns
        cpu = c.CpuMeter()
        seconds, errors, wall = drive(running.rasa_url, conversations(args.n, args.users, seed=100 + workers))
        used = cpu.report()
    return {
        "workers": workers,
        "start_s": start_s,
        **c.summary_ms(seconds),
        "errors": errors,
        "wall_s": round(wall, 1),
        "msgs_per_s": round(len(seconds) / wall, 2),
        "cpu_s_per_msg": round(used["own_cpu_s"] / max(1, len(seconds)), 4),
        "cpu": used,
    }


def wechat_rule(args: argparse.Namespace) -> dict[str, Any]:
    """bench/wechat_callback.py's concurrent part against the 2-worker layout."""
    sys.path.insert(0, str(ROOT))
    import wechat_callback as w

    from bot.db import Database
    from tests.bot.web.wechat_standin import WeChatStandIn

    path = c.scratch_var() / "scale-wechat.db"
    path.unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    db = Database(url)
    db.migrate()
    try:
        with (
            layout.start_layout(runtime.model_path(), options(2), var=c.scratch_var()) as running,
            WeChatStandIn() as standin,
        ):
            app, app_url = w.start_app(running, url, standin, None)
            try:
                account = w.Account(standin, app_url + "/wechat")
                w.run(account, w.mixed(20, 1, seed=3), concurrent=False)
                started = time.monotonic()
                rows = w.run(account, w.mixed(args.wechat_n, args.wechat_users, seed=21), concurrent=True)
                wall = round(time.monotonic() - started, 1)
                return w.figures(rows) | {"users": args.wechat_users, "wall_s": wall}
            finally:
                app.terminate()
                app.wait(20)
    finally:
        db.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=300, help="messages per layout (default 300)")
    parser.add_argument("--users", type=int, default=30, help="concurrent conversations (default 30)")
    parser.add_argument("--wechat-n", type=int, default=300, help="WeChat messages (default 300; 0: skip)")
    parser.add_argument("--wechat-users", type=int, default=50, help="concurrent WeChat users (default 50)")
    parser.add_argument("--no-wait", action="store_true", help="do not wait for a quiet machine first")
    args = parser.parse_args()
    if c.model_missing():
        return 2
    try:
        layout.haproxy_bin()
        layout.check_redis(layout.DEFAULT_REDIS_URL)
        layout.prepare_tracker_db(TRACKER)
    except runtime.RuntimeProblem as problem:
        print(problem, file=sys.stderr)
        return 2
    quiet = {"quiet": None} if args.no_wait else c.wait_quiet()
    one, two = measure(1, args), measure(2, args)
    ratio = round(two["msgs_per_s"] / max(one["msgs_per_s"], 1e-9), 2)
    cost = two["cpu_s_per_msg"]
    efficiency = min(1.0, ratio / 2)
    projected = {k: round(k / cost * efficiency, 1) for k in CORES}
    results: dict[str, Any] = {"quiet": quiet, "one": one, "two": two, "ratio": ratio, "projected": projected}
    if args.wechat_n:
        results["wechat"] = wechat_rule(args)
    print(f"Scale-out behind HAProxy, {args.users} concurrent conversations, {args.n} messages per layout")
    for row in (one, two):
        print(
            f"  {row['workers']} Rasa worker(s): {row['msgs_per_s']} msgs/s, p50 {row['p50_ms']} ms, "
            f"p95 {row['p95_ms']} ms, errors {row['errors']}, CPU {row['cpu_s_per_msg'] * 1000:.0f} ms/msg "
            f"(machine busy {row['cpu']['machine_busy']:.0%}, others' CPU {row['cpu']['others_cpu_s']} s)"
        )
    print(f"  ratio 2/1: {ratio}x (ceiling on {c.machine()['cpus']} cores: about 2x)")
    print(f"  bigger machines (K cores, K workers, {cost * 1000:.0f} ms CPU/msg, efficiency {efficiency:.0%}):")
    print("    " + ", ".join(f"{k} cores ~{v} msgs/s" for k, v in projected.items()))
    if "wechat" in results:
        k = results["wechat"]
        print(
            f"  WeChat, {k['users']} users, {k['n']} messages, 2 workers: p95 {k['p95_ms']} ms, max {k['max_ms']} ms, "
            f"later than 4.5 s {k['over_deadline']} ({k['over_deadline_share']:.1%}; target 0), "
            f"customer-service fallbacks {k['success_fallback']}"
        )
    print(f"  results: {c.write_results('scale_out', results)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
