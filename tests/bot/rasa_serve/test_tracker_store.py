"""The bounded tracker store (bot/rasa_serve/tracker_store.py) in the running stack: the session fixture's Rasa
server stores conversations in SQLite through it (``runtime.write_endpoints``), reading at most
``tracker_max_events`` events (40) per message. A conversation far longer than that keeps its context, the tracker
Rasa works with stays short, and the database holds every event exactly once."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

import pytest

from bot.runtime import Stack
from bot.settings import settings
from tests.conftest import Conversation

pytestmark = pytest.mark.stack


def stored(stack: Stack, sender: str) -> list[dict[str, Any]]:
    """The conversation's rows in the tracker database, in order."""
    assert stack.tracker_db is not None
    with sqlite3.connect(stack.tracker_db) as connection:
        rows = connection.execute("select data from events where sender_id = ? order by id", (sender,)).fetchall()
    return [json.loads(data) for (data,) in rows]


def working_tracker(stack: Stack, sender: str, lang: str = "zh") -> dict[str, Any]:
    """The tracker as the Rasa server reads it for a message, events included: what appending an event returns (the
    event sets the language slot to what it is, ``lang``)."""
    response = stack.client.post(
        f"{stack.rasa_url}/conversations/{sender}/tracker/events",
        params={"token": stack.token, "include_events": "ALL"},
        json=[{"event": "slot", "name": "lang", "value": lang}],
    )
    response.raise_for_status()
    return dict(response.json())


def full_tracker(stack: Stack, sender: str) -> dict[str, Any]:
    """The tracker replayed from every stored event (Rasa's ``GET /conversations/<id>/tracker``)."""
    response = stack.client.get(
        f"{stack.rasa_url}/conversations/{sender}/tracker", params={"token": stack.token, "include_events": "ALL"}
    )
    response.raise_for_status()
    return dict(response.json())


def squeeze(text: str) -> str:
    return "".join(text.split())


def test_context_survives_far_past_the_bound(conversation: Conversation) -> None:
    stack = conversation.stack
    conversation.say("我女儿在国外读书，刚才有人发来她被绑着的视频，要我马上打50万赎金，她电话打不通")
    conversation.say("她在澳大利亚")
    conversation.say("我在英国")
    conversation.say('/start_quiz{"audience":"parent"}')
    assert conversation.text.startswith("第 1/5 题"), conversation.text
    before = conversation.slots()
    assert before["scam_type"] == "virtual_kidnapping" and before["at_risk_country"] == "AU", before
    assert before["country"] == "GB" and before["lang"] == "zh", before

    for _ in range(12):  # ~6 events a turn: well past the 40 events read per message
        conversation.say("谢谢")
    assert len(stored(stack, conversation.sender)) > 3 * settings().tracker_max_events

    working = working_tracker(stack, conversation.sender)
    assert len(working["events"]) <= settings().tracker_max_events + 1 + len(before) + 2  # + start, slots, loop, pause
    full = full_tracker(stack, conversation.sender)
    assert working["slots"] == full["slots"]
    for name in ("scam_type", "at_risk_country", "country", "lang", "urgent", "red_flags"):
        assert working["slots"][name] == before[name], name
    assert working["latest_message"]["text"] == full["latest_message"]["text"] == "谢谢"

    conversation.say("a")  # the quiz round goes on where it was
    assert "第 2/5 题" in conversation.text, conversation.text
    conversation.say("我现在该怎么办")  # kidnapping, daughter in Australia, parent in the UK, in Chinese
    lines = conversation.text.splitlines()
    police = next(line for line in lines if line.startswith("📞"))
    assert "999" in police, conversation.text
    them = next(line for line in lines if line.startswith("🚓"))
    assert "000" in them and "12308" in them, conversation.text


def test_every_event_is_stored_once_in_order(conversation: Conversation) -> None:
    stack = conversation.stack
    said = ["你好", "有人冒充公安说我涉嫌洗钱，让我转账到安全账户", "我该怎么办", "反诈热线是多少"] * 4
    received = ""
    for text in said:
        conversation.say(text)
        received += conversation.text
    working = working_tracker(stack, conversation.sender)["events"]
    rows = stored(stack, conversation.sender)

    assert [e["text"] for e in rows if e["event"] == "user"] == said  # none lost, none twice
    # (the REST channel splits some texts at blank lines: compared without white space)
    assert squeeze("".join(e.get("text") or "" for e in rows if e["event"] == "bot")) == squeeze(received)
    assert [e["event"] for e in rows].count("session_started") == 1
    assert len({json.dumps(e, sort_keys=True) for e in rows}) == len(rows)  # no row written twice

    assert len(working) < len(rows)
    assert working[-30:] == rows[-30:]  # the events Rasa works with are the stored ones, in order


def test_a_new_session_carries_the_context_over(conversation: Conversation) -> None:
    stack = conversation.stack
    conversation.say(
        "i'm a student in london. a man said he was from the chinese embassy and my parcel had fake passports"
    )
    for _ in range(10):  # past the bound
        conversation.say("thanks")
    before = conversation.slots()
    assert before["country"] == "GB" and before["scam_type"], before

    # What Rasa does when a conversation comes back after session_expiration_time (domain.yml): a new session,
    # with the slots carried over from the shortened tracker.
    response = stack.client.post(
        f"{stack.rasa_url}/conversations/{conversation.sender}/execute",
        params={"token": stack.token},
        json={"name": "action_session_start"},
    )
    response.raise_for_status()
    conversation.say("how do i report it")
    assert "999" in conversation.text or "0300 123 2040" in conversation.text, conversation.text

    rows = stored(stack, conversation.sender)
    assert [e["event"] for e in rows].count("session_started") == 2
    working = working_tracker(stack, conversation.sender, lang="en")
    assert working["events"][0]["event"] == "session_started"
    assert len(working["events"]) < 30  # the new session only
    for name in ("country", "scam_type", "urgent", "red_flags"):
        assert working["slots"][name] == before[name], name
