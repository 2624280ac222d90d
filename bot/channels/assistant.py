"""The assistant (Rasa) as every chat front end talks to it: parse a message, or send it and get the replies.

Rasa's REST channel (``bot.rasa_ext.channel.MaskedRestInput``, ``/webhooks/rest/webhook``) masks personal numbers
before Rasa sees them; each reply is a list of messages ``{"text", "buttons": [{"title", "payload"}]}`` (plus a
``{"custom": {"urgent": true}}`` marker after the stop-now steps: :func:`bot.channels.replies.items` reads it).
"""

from __future__ import annotations

from typing import Any

import httpx


class AssistantError(RuntimeError):
    """Rasa answered with an error status (a network failure is an ``OSError``/``httpx.HTTPError``)."""


class Assistant:
    """Rasa's REST channel (``/webhooks/rest/webhook``) and ``/model/parse``, over one async HTTP client."""

    def __init__(self, rasa_url: str, token: str | None = None, timeout: float = 30.0) -> None:
        self.rasa_url = rasa_url.rstrip("/")
        self.token = token
        self.client = httpx.AsyncClient(timeout=timeout)

    async def parse(self, text: str) -> dict[str, Any]:
        params = {"token": self.token} if self.token else None
        try:
            response = await self.client.post(f"{self.rasa_url}/model/parse", json={"text": text}, params=params)
        except httpx.HTTPError as error:
            raise AssistantError(f"Rasa /model/parse is unreachable: {type(error).__name__}") from error
        if response.status_code != 200:
            raise AssistantError(f"Rasa /model/parse answered {response.status_code}")
        return response.json()

    async def send(self, sender: str, text: str) -> list[dict[str, Any]]:
        """The replies to ``text`` in the conversation ``sender``, in order (Rasa's REST channel shape)."""
        try:
            response = await self.client.post(
                f"{self.rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": text}
            )
        except httpx.HTTPError as error:
            raise AssistantError(f"Rasa's REST channel is unreachable: {type(error).__name__}") from error
        if response.status_code != 200:
            raise AssistantError(f"Rasa's REST channel answered {response.status_code}")
        return list(response.json() or [])

    async def close(self) -> None:
        await self.client.aclose()
