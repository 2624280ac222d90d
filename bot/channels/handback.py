"""Turns a front end takes over from the assistant, decided in the one call to Rasa per message (issue 13).

A front end that does some things its own way says so in the message's metadata (Rasa's REST channel passes
``{"sender", "message", "metadata"}`` on to the tracker, where the actions read it):

- ``{"quiz": "front_end"}``: it runs the quiz itself (Telegram: native quiz polls, /progress with the chart). A quiz
  intent (start, progress, stop, a typed answer) is handed back to it instead of running the chat quiz.
- ``{"chat": "group"}``: the message was written in a group. A recounted experience is never answered (and so
  repeated) there: it is handed back, and the front end invites the member to a private chat.

A handed-back turn's only reply is the marker ``{"custom": {"front_end": "<command>"}}`` (:func:`marker`), which the
front end turns into its own command (:func:`command_of`); front ends that send no such metadata never get one.
So the text is parsed once, by the turn itself, never first by ``/model/parse`` to route it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any

from bot.shared.labels import EXPERIENCE_PREFIX

#: The key of the marker in a Rasa ``custom`` message, and the metadata value "the front end does it".
FRONT_END = "front_end"
QUIZ = "quiz"
CHAT = "chat"
GROUP = "group"
PRIVATE = "private"


class Command(StrEnum):
    """What the front end does instead of the assistant (the quiz ones are named as their intents)."""

    START_QUIZ = "start_quiz"
    PROGRESS = "ask_progress"
    STOP_QUIZ = "stop_quiz"
    QUIZ_ANSWER = "quiz_answer"
    PRIVATE_CHAT = "private_chat"


QUIZ_COMMANDS = frozenset({Command.START_QUIZ, Command.PROGRESS, Command.STOP_QUIZ, Command.QUIZ_ANSWER})


def metadata(*, own_quiz: bool, group: bool) -> dict[str, str]:
    """The metadata a front end sends with each message."""
    return {**({QUIZ: FRONT_END} if own_quiz else {}), CHAT: GROUP if group else PRIVATE}


def command_for(intent: str, meta: Mapping[str, Any] | None) -> Command | None:
    """The command a turn with this (final) intent is handed back as, given the message's metadata; None: the
    assistant answers it."""
    meta = meta or {}
    if meta.get(CHAT) == GROUP and intent.startswith(EXPERIENCE_PREFIX):
        return Command.PRIVATE_CHAT
    if meta.get(QUIZ) == FRONT_END and intent in QUIZ_COMMANDS:
        return Command(intent)
    return None


def marker(command: Command) -> dict[str, str]:
    """The ``custom`` message that hands the turn back."""
    return {FRONT_END: command.value}


def command_of(messages: Iterable[Mapping[str, Any]]) -> Command | None:
    """The command in Rasa's REST reply, if the turn was handed back."""
    for message in messages:
        custom = message.get("custom")
        if isinstance(custom, Mapping) and custom.get(FRONT_END) in Command._value2member_map_:
            return Command(custom[FRONT_END])
    return None
