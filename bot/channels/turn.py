"""One turn of a chat channel's conversation with the assistant (WeChat, the web chat): what a person typed in,
the assistant's items out.

:func:`turn`: the text cleaned (control characters dropped); empty -> a clear message and nothing relayed; over
:data:`MAX_INPUT` characters -> cut, and said so after the replies; a typed number resolved to the button it names
(the choices last shown in the conversation, from the database: any worker); relayed to Rasa once (its REST
channel masks personal numbers before Rasa sees them; the chat quiz takes typed letters there); the new choices
stored; the items returned in order, the stop-now steps first. Nothing a person typed is logged or stored here.

The conversation id is the front end's pseudonym (``wechat-<openid>``, ``web-<hash>``); it is Rasa's sender id and
the key of the stored choices, and is never logged.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from enum import StrEnum

from bot.channels.assistant import Assistant, AssistantError
from bot.channels.choices import Choices, resolve
from bot.channels.replies import Item, choices_of, items
from bot.db import Database
from bot.i18n import t
from bot.shared.lang import Lang, reply_language
from bot.shared.privacy import MaskingFilter

logger = logging.getLogger(__name__)
logger.addFilter(MaskingFilter())

#: Characters of one message passed on to the assistant (as the terminal chat's): longer input is cut, and the
#: person told.
MAX_INPUT = 20_000
MAX_CONVERSATION = 128


class InputProblem(StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"


def clean(text: str) -> str:
    """Drop control characters (binary junk) and surrounding space; keep every printable character."""
    return "".join(ch for ch in text if ch.isprintable() or ch in "\n\t").strip()


def problem(text: str) -> InputProblem | None:
    """What is wrong with ``text`` as a message, if anything (a front end may refuse it: HTTP 400 / 413)."""
    cleaned = clean(text)
    if not cleaned:
        return InputProblem.EMPTY
    return InputProblem.TOO_LONG if len(cleaned) > MAX_INPUT else None


def language(text: str, lang_hint: str | None) -> str:
    """The language to answer ``text`` in: its own when it is Chinese or English, else the hint, else Chinese."""
    return reply_language(text, lang_hint, Lang.ZH)[0].value


async def turn(
    assistant: Assistant,
    db: Database,
    conversation_id: str,
    text: str,
    *,
    lang_hint: str | None = None,
    now: datetime | None = None,
) -> list[Item]:
    """The assistant's answer to ``text`` in ``conversation_id``, as items in order (the stop-now steps first)."""
    if not conversation_id or len(conversation_id) > MAX_CONVERSATION:
        raise ValueError(f"a conversation id has 1 to {MAX_CONVERSATION} characters ({len(conversation_id)})")
    now = now or datetime.now(UTC)
    cleaned = clean(text)
    lang = language(cleaned, lang_hint)
    if not cleaned:
        return [Item(t("channels.empty_message", lang))]
    notes: list[Item] = []
    if len(cleaned) > MAX_INPUT:
        notes.append(Item(t("channels.input_cut", lang, count=len(cleaned), max=MAX_INPUT)))
        cleaned = cleaned[:MAX_INPUT]
    store = Choices(db)
    message = resolve(cleaned, await store.shown(conversation_id))
    try:
        replies = items(await assistant.send(conversation_id, message))
    except (AssistantError, OSError) as error:
        logger.error("assistant unavailable: %s", error)
        return [Item(t("channels.assistant_down", lang)), *notes]
    if replies:
        await store.remember(conversation_id, choices_of(replies), now)
    return [*replies, *notes]


class Conversation:
    """A channel's conversations with the assistant: the assistant client and the database, shared by all."""

    def __init__(self, assistant: Assistant, db: Database) -> None:
        self.assistant = assistant
        self.db = db

    async def turn(
        self, conversation_id: str, text: str, *, lang_hint: str | None = None, now: datetime | None = None
    ) -> list[Item]:
        return await turn(self.assistant, self.db, conversation_id, text, lang_hint=lang_hint, now=now)
