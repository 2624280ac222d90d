"""The one ASGI application: the projector (``/p/...``), the teacher's pages (``/login/...``, ``/teacher...``), the
organiser's campaign pages (``/organiser/...``), the web chat (``/chat...``, when it is given an assistant), the
static files and, when the bot runs behind a webhook, the Telegram webhook route (passed in ``extra_routes`` by
``antifraud telegram``, so that one process and one port serve both; ``antifraud web`` serves the app alone)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from bot.campaigns.service import CampaignService
from bot.classroom.service import ClassroomService
from bot.db import Database
from bot.web import chat as webchat
from bot.web import organiser, projector, report, teacher
from bot.web.pages import STATIC, chosen_lang, message, message_text, templates

Lifespan = Callable[[Starlette], AbstractAsyncContextManager[Any]]


async def _health(_: Request) -> Response:
    return Response("ok", media_type="text/plain")


async def _not_found(request: Request, _: Exception) -> Response:
    lang = chosen_lang(request, "zh")
    return message(request, message_text("not_found", lang), lang, 404)


def own_routes(*, chat: bool) -> list[BaseRoute]:
    """The app's own routes (``chat``: with the web chat's)."""
    return [
        *(webchat.ROUTES if chat else ()),
        Route("/healthz", _health),
        *projector.ROUTES,
        *teacher.ROUTES,
        *report.ROUTES,
        *organiser.ROUTES,
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
    ]


def own_prefixes() -> frozenset[str]:
    """The first path segments of the app's own routes (``chat``, ``teacher``, ``static``...): a route passed in
    ``extra_routes`` (the Telegram webhook) must keep clear of them."""
    return frozenset(str(getattr(route, "path", "")).strip("/").split("/")[0] for route in own_routes(chat=True))


def create_app(
    classroom: ClassroomService,
    db: Database,
    *,
    bot_username: str | None,
    extra_routes: Sequence[BaseRoute] = (),
    lifespan: Lifespan | None = None,
    secure_cookies: bool = False,
    poll_seconds: float = projector.POLL_SECONDS,
    campaigns: CampaignService | None = None,
    chat: webchat.ChatOptions | None = None,
) -> Starlette:
    """The web app over ``classroom`` (the engine's service) and ``db`` (the teacher's login). ``bot_username``
    makes the lobby's QR code the bot's deep link (None: the code itself). ``secure_cookies``: the session cookie
    only over https (set it when the public URL is https). ``campaigns``: the campaign engine's service for the
    organiser's pages (None: they are not found). ``chat``: the web chat's assistant and limits (None: no
    ``/chat``)."""
    routes: list[BaseRoute] = [*extra_routes, *own_routes(chat=chat is not None)]
    app = Starlette(routes=routes, lifespan=lifespan, exception_handlers={404: _not_found})
    app.state.classroom = classroom
    app.state.db = db
    app.state.campaigns = campaigns
    app.state.bot_username = bot_username.lstrip("@") if bot_username else None
    app.state.templates = templates()
    app.state.secure_cookies = secure_cookies
    app.state.poll_seconds = poll_seconds
    app.state.chat = chat
    #: Set by whoever runs the app when the server stops: the live streams end (see :func:`stop_streams`).
    app.state.closing = threading.Event()
    return app


def stop_streams(app: Starlette) -> None:
    """End the projectors' live streams (within one poll): call it when the server starts to stop, before it waits
    for the open responses; the pages reconnect by themselves to the next server."""
    app.state.closing.set()
