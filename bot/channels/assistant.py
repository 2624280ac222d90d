"""The assistant (Rasa) as every chat front end talks to it: send a message and get the replies, one call to Rasa
per message (a front end that handles some turns itself says so in the metadata: ``bot.channels.handback``).

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
    """Rasa's REST channel (``/webhooks/rest/webhook``), over one async HTTP client. ``token``: the server's auth
    token, kept for its HTTP API (the REST channel needs none)."""

    def __init__(self, rasa_url: str, token: str | None = None, timeout: float = 30.0) -> None:
        self.rasa_url = rasa_url.rstrip("/")
        self.token = token
        self.client = httpx.AsyncClient(timeout=timeout)

    async def send(self, sender: str, text: str, metadata: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """The replies to ``text`` in the conversation ``sender``, in order (Rasa's REST channel shape).
        ``metadata`` goes with the message to the tracker (the actions read it)."""
        body: dict[str, Any] = {"sender": sender, "message": text}
        if metadata:
            body["metadata"] = metadata
        try:
            response = await self.client.post(f"{self.rasa_url}/webhooks/rest/webhook", json=body)
        except httpx.HTTPError as error:
            raise AssistantError(f"Rasa's REST channel is unreachable: {type(error).__name__}") from error
        if response.status_code != 200:
            raise AssistantError(f"Rasa's REST channel answered {response.status_code}")
        return list(response.json() or [])

    async def close(self) -> None:
        await self.client.aclose()
