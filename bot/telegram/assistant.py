"""The assistant (Rasa) as the Telegram front end talks to it: parse a message, or send it and get the replies."""

from __future__ import annotations

from typing import Any

import httpx


class AssistantError(RuntimeError):
    pass


class Assistant:
    """Rasa's REST channel (``/webhooks/rest/webhook``) and ``/model/parse``, over one async HTTP client."""

    def __init__(self, rasa_url: str, token: str | None = None, timeout: float = 30.0) -> None:
        self.rasa_url = rasa_url.rstrip("/")
        self.token = token
        self.client = httpx.AsyncClient(timeout=timeout)

    async def parse(self, text: str) -> dict[str, Any]:
        params = {"token": self.token} if self.token else None
        response = await self.client.post(f"{self.rasa_url}/model/parse", json={"text": text}, params=params)
        if response.status_code != 200:
            raise AssistantError(f"Rasa /model/parse answered {response.status_code}")
        return response.json()

    async def send(self, sender: str, text: str) -> list[dict[str, Any]]:
        response = await self.client.post(
            f"{self.rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": text}
        )
        if response.status_code != 200:
            raise AssistantError(f"Rasa's REST channel answered {response.status_code}")
        return list(response.json() or [])

    async def close(self) -> None:
        await self.client.aclose()
