"""Telling the assistant which language a conversation is in, when the person chose it rather than wrote in it (the
web chat's language switch), and reading it back (:func:`conversation_language`).

The assistant answers a written message in that message's language, and a pressed button (a payload) in the
conversation's: the ``lang`` slot, which only its actions set. A choice made outside the conversation sets the
slot through Rasa's HTTP API (``POST /conversations/<id>/tracker/events``, the server's token), so that the next
button is answered in the chosen language. Best effort: a failure is logged, and the next written message sets
the language anyway.
"""

from __future__ import annotations

import logging

import httpx

from bot.channels.assistant import Assistant
from bot.i18n import LANGS
from bot.shared.privacy import MaskingFilter

logger = logging.getLogger(__name__)
logger.addFilter(MaskingFilter())


async def tell_language(assistant: Assistant, conversation_id: str, lang: str) -> bool:
    """Set the conversation's language slot to ``lang``; False (and a log line) when Rasa did not take it."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}: {lang!r}")
    params = {"token": assistant.token} if assistant.token else None
    event = {"event": "slot", "name": "lang", "value": lang}
    url = f"{assistant.rasa_url}/conversations/{conversation_id}/tracker/events"
    try:
        # Twice: Rasa stamps the events it is sent before it starts a new conversation's session, and a SQL tracker
        # store reads a conversation from its last session start by time, which would drop the first; the first
        # call starts (and stores) the session, the second is kept. On a running conversation both just set it.
        response = await assistant.client.post(url, json=[event], params=params)
        if response.status_code == 200:
            response = await assistant.client.post(url, json=[event], params=params)
    except httpx.HTTPError as error:
        logger.warning("could not set a conversation's language: %s", type(error).__name__)
        return False
    if response.status_code != 200:
        logger.warning("could not set a conversation's language: Rasa answered %s", response.status_code)
        return False
    return True


async def conversation_language(assistant: Assistant, conversation_id: str) -> str | None:
    """The conversation's language as the assistant last answered in it (its ``lang`` slot); None when it has none
    yet or Rasa cannot say (a log line): for answers made without the assistant (WeChat's notices for pictures,
    links, ...)."""
    params = {"include_events": "NONE", **({"token": assistant.token} if assistant.token else {})}
    try:
        response = await assistant.client.get(
            f"{assistant.rasa_url}/conversations/{conversation_id}/tracker", params=params
        )
        slots = response.json().get("slots") or {} if response.status_code == 200 else {}
    except (httpx.HTTPError, ValueError, AttributeError) as error:
        logger.warning("could not read a conversation's language: %s", type(error).__name__)
        return None
    lang = slots.get("lang")
    return lang if lang in LANGS else None
