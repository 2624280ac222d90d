"""Run with the Rasa environment's Python (.venv-rasa/bin/python), by bench/turn_profile.py: one conversation of N
turns through Rasa's own Agent, in this process (no HTTP channel), against a running action server, with the time
of every stage of each turn measured. Prints one JSON object on the last line of stdout.

    .venv-rasa/bin/python bench/_turn_probe.py MODEL ACTION_URL MESSAGES.json --turns 400 --store sql --db X.db

Stages are exclusive (a stage's time does not include the stages it calls): the tracker store's retrieve (query and
JSON) and the replay of the events into a tracker, the NLU parse, the policies (one prediction per action), the
tracker copies Rasa makes before each action, the tracker JSON sent to the action server, the action server round
trip (HTTP, the action server's own work), the tracker store's save, and what is left ("other").
``--cprofile FIRST:LAST`` also profiles turns FIRST..LAST with cProfile and prints the top functions.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import functools
import io
import json
import logging
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any

STACK: list[list[float]] = []  # per active timed call: [start, cpu start, children's time, children's cpu]
TOTALS: dict[str, float] = {}
CPU: dict[str, float] = {}
CALLS: dict[str, int] = {}


def _enter() -> None:
    STACK.append([time.perf_counter(), time.thread_time(), 0.0, 0.0])


def _leave(stage: str) -> None:
    start, cpu_start, children, children_cpu = STACK.pop()
    elapsed = time.perf_counter() - start
    cpu = time.thread_time() - cpu_start
    TOTALS[stage] = TOTALS.get(stage, 0.0) + elapsed - children
    CPU[stage] = CPU.get(stage, 0.0) + cpu - children_cpu
    CALLS[stage] = CALLS.get(stage, 0) + 1
    if STACK:
        STACK[-1][2] += elapsed
        STACK[-1][3] += cpu


def cpu_ticks(pid: int) -> int:
    """utime + stime of a process and its descendants (clock ticks; 0 when there is none)."""
    if not pid:
        return 0
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        kids = []
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as children:
                kids += [int(k) for k in children.read().split()]
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12]) + sum(cpu_ticks(kid) for kid in kids)


def timed(owner: Any, name: str, stage: str) -> None:
    """Replace ``owner.name`` by a wrapper that adds its exclusive time to ``stage``."""
    raw = owner.__dict__.get(name)
    original = raw.__func__ if isinstance(raw, (staticmethod, classmethod)) else getattr(owner, name)
    if asyncio.iscoroutinefunction(original):

        @functools.wraps(original)
        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            _enter()
            try:
                return await original(*args, **kwargs)
            finally:
                _leave(stage)

    else:

        @functools.wraps(original)
        def wrapper(*args: Any, **kwargs: Any) -> Any:  # type: ignore[misc]
            _enter()
            try:
                return original(*args, **kwargs)
            finally:
                _leave(stage)

    if isinstance(raw, staticmethod):
        wrapper = staticmethod(wrapper)  # type: ignore[assignment]
    elif isinstance(raw, classmethod):
        wrapper = classmethod(wrapper)  # type: ignore[assignment]
    setattr(owner, name, wrapper)


def instrument(store_class: type) -> None:
    from rasa.core.actions import action as rasa_action
    from rasa.core.agent import Agent
    from rasa.core.processor import MessageProcessor
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.utils.endpoints import EndpointConfig

    timed(Agent, "handle_message", "other (agent, processor, events)")
    timed(store_class, "retrieve", "tracker store: retrieve (query, JSON)")
    timed(store_class, "save", "tracker store: save")
    timed(DialogueStateTracker, "from_events", "tracker: replay events")
    timed(DialogueStateTracker, "copy", "tracker: copies before actions")
    timed(MessageProcessor, "parse_message", "NLU parse")
    timed(MessageProcessor, "_predict_next_with_tracker", "policies (predictions)")
    timed(rasa_action.ActionExtractSlots, "run", "action_extract_slots")
    timed(rasa_action.RemoteAction, "_action_call_format", "action call: tracker to JSON")
    timed(EndpointConfig, "request", "action call: HTTP + action server")
    timed(rasa_action.RemoteAction, "run", "action call: validate, events")


async def run(args: argparse.Namespace) -> dict[str, Any]:
    from rasa.core.agent import load_agent
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
    from rasa.core.utils import AvailableEndpoints
    from rasa.utils.endpoints import EndpointConfig

    store: dict[str, Any]
    if args.store == "memory":
        store = {"type": "in_memory"}
    elif args.store == "sql":
        store = {"type": "SQL", "dialect": "sqlite", "db": args.db}
    else:
        store = {"type": args.store, "dialect": "sqlite", "db": args.db}
        if args.postgres:  # a database name on the local PostgreSQL server (user postgres, no password)
            store.update(dialect="postgresql", url="127.0.0.1", port=5432, db=args.postgres, username="postgres")
        if args.max_events:
            store["max_events"] = args.max_events
    endpoints = AvailableEndpoints(action=EndpointConfig(args.action_url), tracker_store=EndpointConfig(**store))
    agent = await load_agent(model_path=args.model, endpoints=endpoints)
    assert agent.tracker_store is not None
    instrument(type(agent.tracker_store))
    messages = args.texts
    profiler = cProfile.Profile()
    first, last = (int(x) for x in args.cprofile.split(":")) if args.cprofile else (0, -1)
    sender = f"probe-{time.time_ns()}"
    for warm in range(3):  # the first parses load jieba's dictionary: not part of any turn
        await agent.parse_message(messages[warm])
    turns = []
    for turn in range(1, args.turns + 1):
        TOTALS.clear()
        CPU.clear()
        CALLS.clear()
        action_cpu = cpu_ticks(args.action_pid)
        if turn == first:
            profiler.enable()
        start = time.perf_counter()
        replies = await agent.handle_message(
            UserMessage(messages[(turn - 1) % len(messages)], CollectingOutputChannel(), sender)
        )
        total = time.perf_counter() - start
        action_cpu = (cpu_ticks(args.action_pid) - action_cpu) * 1000.0 / os.sysconf("SC_CLK_TCK")
        if turn == last:
            profiler.disable()
        turns.append(
            {
                "turn": turn,
                "ms": round(total * 1000, 3),
                "replies": len(replies or []),
                "stages_ms": {k: round(v * 1000, 3) for k, v in TOTALS.items()},
                "stages_cpu_ms": {k: round(v * 1000, 3) for k, v in CPU.items()},
                "action_server_cpu_ms": action_cpu,
                "calls": dict(CALLS),
            }
        )
    tracker = await agent.tracker_store.retrieve(sender)
    out: dict[str, Any] = {"turns": turns, "events_in_last_tracker": len(tracker.events) if tracker else None}
    if args.cprofile:
        buffer = io.StringIO()
        pstats.Stats(profiler, stream=buffer).sort_stats(args.cprofile_sort).print_stats(args.cprofile_lines)
        out["cprofile"] = buffer.getvalue()
    return out


def window(turns: list[dict[str, Any]], first: int, last: int) -> dict[str, Any]:
    chosen = [t for t in turns if first <= t["turn"] <= last]
    stages = sorted({s for t in chosen for s in t["stages_ms"]})
    return {
        "turns": f"{first}-{last}",
        "median_ms": round(statistics.median(t["ms"] for t in chosen), 2),
        "stages_median_ms": {
            s: round(statistics.median(t["stages_ms"].get(s, 0.0) for t in chosen), 2) for s in stages
        },
        "stages_cpu_mean_ms": {
            s: round(statistics.fmean(t["stages_cpu_ms"].get(s, 0.0) for t in chosen), 2) for s in stages
        },
        "cpu_mean_ms": round(statistics.fmean(sum(t["stages_cpu_ms"].values()) for t in chosen), 2),
        "action_server_cpu_mean_ms": round(statistics.fmean(t["action_server_cpu_ms"] for t in chosen), 1),
        "calls": chosen[-1]["calls"],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("action_url")
    parser.add_argument("messages")
    parser.add_argument("--turns", type=int, default=400)
    parser.add_argument("--store", default="sql", help="sql (Rasa's), memory, or a class path (module.Class)")
    parser.add_argument("--db", default="probe-tracker.db")
    parser.add_argument("--action-pid", type=int, default=0, help="the action server's pid, to read its CPU time")
    parser.add_argument("--postgres", default="", help="a database on the local PostgreSQL server, for --store")
    parser.add_argument("--max-events", type=int, default=0, help="the bounded store's max_events")
    parser.add_argument("--cprofile-sort", default="cumulative")
    parser.add_argument("--cprofile-lines", type=int, default=45)
    parser.add_argument("--cprofile", default="", help="FIRST:LAST turns to profile with cProfile")
    args = parser.parse_args()
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.INFO)  # as `rasa run` does (LOG_LEVEL defaults to INFO)
    logging.getLogger().setLevel(logging.WARNING)
    args.texts = json.loads(Path(args.messages).read_text(encoding="utf-8"))
    result = asyncio.run(run(args))
    if "cprofile" in result:
        print(result.pop("cprofile"))
    n = args.turns
    result["windows"] = [window(result["turns"], 1, 10), window(result["turns"], max(1, n - 9), n)]
    if n >= 200:
        result["windows"].insert(1, window(result["turns"], 191, 200))
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    sys.exit(main())
