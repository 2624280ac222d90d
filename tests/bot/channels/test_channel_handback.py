"""The turns a front end takes over: said in the message's metadata, decided on the turn's intent, answered with a
marker the front end reads back from Rasa's REST reply."""

from __future__ import annotations

from typing import Any

import pytest

from bot.channels.handback import Command, command_for, command_of, marker, metadata

TELEGRAM_PRIVATE = metadata(own_quiz=True, group=False)
TELEGRAM_GROUP = metadata(own_quiz=True, group=True)


def test_the_metadata() -> None:
    assert TELEGRAM_PRIVATE == {"quiz": "front_end", "chat": "private"}
    assert TELEGRAM_GROUP == {"quiz": "front_end", "chat": "group"}
    assert metadata(own_quiz=False, group=False) == {"chat": "private"}


@pytest.mark.parametrize(
    ("intent", "meta", "command"),
    [
        ("start_quiz", TELEGRAM_PRIVATE, Command.START_QUIZ),
        ("ask_progress", TELEGRAM_PRIVATE, Command.PROGRESS),
        ("stop_quiz", TELEGRAM_GROUP, Command.STOP_QUIZ),
        ("quiz_answer", TELEGRAM_PRIVATE, Command.QUIZ_ANSWER),
        ("experience_order_brushing", TELEGRAM_GROUP, Command.PRIVATE_CHAT),
        ("experience_order_brushing", TELEGRAM_PRIVATE, None),
        ("question_order_brushing", TELEGRAM_GROUP, None),
        ("nlu_fallback", TELEGRAM_GROUP, None),
        ("greet", TELEGRAM_PRIVATE, None),
        ("start_quiz", None, None),
        ("start_quiz", {"chat": "private"}, None),
        ("experience_investment", {"chat": "group"}, Command.PRIVATE_CHAT),
        ("start_quiz", {"quiz": "rasa"}, None),
    ],
    ids=[
        "start",
        "progress",
        "stop-in-group",
        "typed-answer",
        "story-in-group",
        "story-in-private",
        "question-in-group",
        "fallback-in-group",
        "greet",
        "no-metadata",
        "chat-quiz",
        "group-only",
        "unknown-value",
    ],
)
def test_what_is_handed_back(intent: str, meta: dict[str, Any] | None, command: Command | None) -> None:
    assert command_for(intent, meta) == command


@pytest.mark.parametrize(
    ("messages", "command"),
    [
        ([{"custom": marker(Command.START_QUIZ)}], Command.START_QUIZ),
        ([{"text": "hi"}, {"custom": {"front_end": "private_chat"}}], Command.PRIVATE_CHAT),
        ([{"text": "hi", "buttons": []}, {"custom": {"urgent": True}}], None),
        ([{"custom": {"front_end": "format_disk"}}], None),
        ([{"custom": "front_end"}], None),
        ([], None),
    ],
    ids=["marker", "after-text", "other-custom", "unknown-command", "not-a-mapping", "empty"],
)
def test_the_marker_is_read_back(messages: list[dict[str, Any]], command: Command | None) -> None:
    assert command_of(messages) == command
