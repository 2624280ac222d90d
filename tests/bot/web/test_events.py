"""The projector's live stream (server-sent events) over real HTTP, against uvicorn: the view now, the view again
when it changes (a join, a question, an answer, the end), heartbeats while nothing does, and the end of the stream
when the session ends."""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from bot.web import projector
from bot.web.app import stop_streams
from tests.bot.web.conftest import Room, Served

Event = tuple[str, Any]  # ("view", the view) | ("comment", the text) | ("retry", ms) | ("closed", None)


def listen(url: str, into: queue.Queue[Event]) -> None:
    """Read the stream in a thread, event by event, into ``into``; ("closed", None) when the server ends it."""
    with httpx.stream("GET", url, timeout=httpx.Timeout(10, read=30)) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        fields: dict[str, str] = {}
        for line in response.iter_lines():
            if line.startswith(":"):
                into.put(("comment", line[1:].strip()))
            elif line == "":
                if "data" in fields:
                    into.put((fields.get("event", "message"), json.loads(fields["data"])))
                elif "retry" in fields:
                    into.put(("retry", int(fields["retry"])))
                fields = {}
            else:
                name, _, value = line.partition(":")
                fields[name] = value.removeprefix(" ")
    into.put(("closed", None))


@pytest.fixture
def stream(served: Served, room: Room) -> Iterator[tuple[queue.Queue[Event], str]]:
    session = room.start()
    events: queue.Queue[Event] = queue.Queue()
    thread = threading.Thread(
        target=listen, args=(f"{served.url}/p/{session.projector_token}/events", events), daemon=True
    )
    thread.start()
    yield events, session.projector_token
    stop_streams(served.app)
    thread.join(timeout=5)
    assert not thread.is_alive()


def next_view(events: queue.Queue[Event], timeout: float = 5.0) -> dict[str, Any]:
    while True:
        kind, data = events.get(timeout=timeout)
        if kind == "view":
            return data
        assert kind != "closed", "the stream ended"


def test_the_stream_follows_the_session(stream: tuple[queue.Queue[Event], str], room: Room) -> None:
    events, _ = stream
    assert events.get(timeout=5) == ("retry", projector.RETRY_MS)
    first = next_view(events)
    assert first["phase"] == "lobby" and first["members"] == ["Ann", "Bob", "Cai"]

    room.add("Dee")
    joined = next_view(events)
    assert joined["members"][-1] == "Dee" and joined["version"] > first["version"]

    session = room.svc.running_session(room.info.id)
    assert session is not None
    opened = room.svc.open_next(session.id, room.teacher)
    assert opened is not None
    asked = next_view(events)
    assert asked["phase"] == "question" and asked["answered"] == 0

    room.svc.record_answer(session.id, 0, room.students[1], opened.question.answer)
    assert next_view(events)["answered"] == 1

    room.svc.end(session.id, room.teacher)
    assert next_view(events)["phase"] == "ended"
    assert events.get(timeout=5) == ("closed", None)


def test_heartbeats_while_nothing_changes(
    monkeypatch: pytest.MonkeyPatch, stream: tuple[queue.Queue[Event], str]
) -> None:
    monkeypatch.setattr(projector, "HEARTBEAT_SECONDS", 0.3)
    events, _ = stream
    next_view(events)
    kinds = [events.get(timeout=5)[0] for _ in range(2)]
    assert kinds == ["comment", "comment"]


def test_a_stream_for_an_ended_session_ends_after_one_view(served: Served, room: Room) -> None:
    session = room.start()
    room.svc.end(session.id, room.teacher)
    events: queue.Queue[Event] = queue.Queue()
    listen(f"{served.url}/p/{session.projector_token}/events", events)
    got = [events.get_nowait() for _ in range(events.qsize())]
    assert [kind for kind, _ in got] == ["retry", "view", "closed"] and got[1][1]["phase"] == "ended"
