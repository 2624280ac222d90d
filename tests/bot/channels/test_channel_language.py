"""Telling the assistant a conversation's language: a language we do not have is a bug (refused); Rasa out of reach
is not (False, logged): the next written message sets the language anyway. Through the running stack, the next
button is answered in the language told, on a new conversation and on one already in another language."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from bot.channels.assistant import Assistant
from bot.channels.language import tell_language
from bot.runtime import Stack, free_ports


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="lang must be one of zh, en"):
        asyncio.run(tell_language(Assistant("http://127.0.0.1:9"), "web-x", "fr"))


def test_rasa_out_of_reach_is_not_an_error(caplog: pytest.LogCaptureFixture) -> None:
    (port,) = free_ports(1)

    async def run() -> bool:
        assistant = Assistant(f"http://127.0.0.1:{port}", timeout=2.0)
        try:
            return await tell_language(assistant, "web-x", "en")
        finally:
            await assistant.close()

    assert asyncio.run(run()) is False
    assert "could not set a conversation's language" in caplog.text


@pytest.mark.stack
@pytest.mark.parametrize("before", [None, "你好"], ids=["new-conversation", "chinese-conversation"])
def test_the_next_button_is_answered_in_the_language_told(stack: Stack, before: str | None) -> None:
    sender = f"web-{uuid.uuid4().hex[:24]}"
    if before:
        stack.send(sender, before)

    async def run() -> bool:
        assistant = Assistant(stack.rasa_url, stack.token)
        try:
            return await tell_language(assistant, sender, "en")
        finally:
            await assistant.close()

    assert asyncio.run(run()) is True
    replies = stack.send(sender, "/ask_red_flags")
    assert replies[0]["text"].startswith("Warning signs"), replies[0]["text"]
