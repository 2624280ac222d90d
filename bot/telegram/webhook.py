"""The Telegram webhook as a route of the web app (python-telegram-bot's "custom webhook" pattern): Telegram posts
each update to ``/telegram`` and the route queues it for the :class:`~telegram.ext.Application`, so that one process
and one port serve the bot and the web pages.

Why a secret token: anyone can post to a public URL; Telegram sends the secret set with ``setWebhook`` in the
``X-Telegram-Bot-Api-Secret-Token`` header of every call, and an update without it is refused (403) before it is
parsed.
"""

from __future__ import annotations

import hmac
import json

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from telegram import Update
from telegram.ext import Application

#: The path Telegram posts to (the webhook URL ends with it).
PATH = "/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def webhook_route(application: Application, secret: str | None, path: str = PATH) -> Route:
    """A POST route that checks the secret token and queues the update for ``application``."""

    async def receive(request: Request) -> Response:
        if secret is not None and not hmac.compare_digest(
            request.headers.get(SECRET_HEADER, "").encode(), secret.encode()
        ):
            return Response(status_code=403)
        try:
            data = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            return Response(status_code=400)
        if not isinstance(data, dict):
            return Response(status_code=400)
        update = Update.de_json(data, application.bot)
        if update is None:
            return Response(status_code=400)
        await application.update_queue.put(update)
        return Response()

    return Route(path, receive, methods=["POST"], name="telegram_webhook")
