"""Talking to the bot as Telegram would (through the stand-in), and reading what it sent: the helpers of the
end-to-end Telegram tests."""

from __future__ import annotations

from typing import Any

from bot.telegram.learners import CHANNEL
from tests.bot.telegram.running import RunningBot
from tests.bot.telegram.standin import Call, StandIn, callback_update, message_update, poll_answer_update


def say(standin: StandIn, who: dict, text: str, chat_id: int | None = None, **kw: Any) -> None:
    standin.push(message_update(standin.next_update_id(), chat_id or who["id"], who, text, **kw))


def press(standin: StandIn, who: dict, data: str, message: dict | None = None, chat_id: int | None = None) -> None:
    standin.push(callback_update(standin.next_update_id(), chat_id or who["id"], who, data, message))


def answer(standin: StandIn, who: dict, poll_id: str, options: list[int]) -> None:
    standin.push(poll_answer_update(standin.next_update_id(), poll_id, who, options))


def said(standin: StandIn, chat_id: int, needle: str, timeout: float = 20.0) -> Call:
    """The first message (or edit) to ``chat_id`` whose text contains ``needle``, waiting for it."""

    def find(calls: list[Call]) -> Call | None:
        for c in calls:
            here = c.method in ("sendMessage", "editMessageText") and str(c.params.get("chat_id")) == str(chat_id)
            if here and needle in str(c.params.get("text", "")):
                return c
        return None

    try:
        standin.wait_for(lambda calls: find(calls) is not None, timeout)
    except TimeoutError:
        texts = [c.params.get("text") for c in standin.sent() if str(c.params.get("chat_id")) == str(chat_id)]
        raise AssertionError(f"{needle!r} not said to {chat_id}; said: {texts[-5:]}") from None
    found = find(standin.sent())
    assert found is not None
    return found


def said_count(standin: StandIn, chat_id: int, needle: str) -> int:
    return sum(needle in str(c.params.get("text", "")) for c in standin.sent("sendMessage", chat_id))


def buttons(call: Call) -> list[str]:
    markup = call.params.get("reply_markup") or {}
    return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]


def button(call: Call, prefix: str) -> str:
    return next(b for b in buttons(call) if b.startswith(prefix))


def poll_id(call: Call) -> str:
    return str(call.result["poll"]["id"])


def learner(bot: RunningBot, who: dict) -> int:
    """The learner id of a Telegram user (created in English the first time)."""
    return bot.services.classroom.learner_id(CHANNEL, str(who["id"]), lang="en")


def offered(standin: StandIn, chat_id: int, prefix: str, timeout: float = 20.0) -> Call:
    """The latest message (or edit) to ``chat_id`` with a button whose data starts with ``prefix``, waiting for one."""

    def find(calls: list[Call]) -> Call | None:
        for c in reversed(calls):
            here = c.method in ("sendMessage", "editMessageText") and str(c.params.get("chat_id")) == str(chat_id)
            if here and any(b.startswith(prefix) for b in buttons(c)):
                return c
        return None

    standin.wait_for(lambda calls: find(calls) is not None, timeout)
    found = find(standin.sent())
    assert found is not None
    return found
