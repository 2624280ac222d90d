"""The Telegram webhook as a route of the web app (python-telegram-bot's "custom webhook" pattern): Telegram posts
each update to the webhook URL registered with ``setWebhook``, the route at that URL's path queues it for the
:class:`~telegram.ext.Application`, so that one process and one port serve the bot and the web pages. The path is
always the URL's own (``TelegramConfig.webhook_path``): a route on any other path would answer Telegram 404 and the
bot would silently never answer.

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

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def webhook_route(application: Application, secret: str | None, path: str) -> Route:
    """A POST route at ``path`` (the webhook URL's) that checks the secret token and queues the update for
    ``application``."""

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
