"""The projector: a read-only page per session (``/p/{token}``, the unguessable projector token is the capability),
its state as JSON and a live stream of it (server-sent events).

Why the stream polls: the session's state lives in the database and any worker (or the Telegram process) may change
it, so each stream asks ``classroom.version(token)`` every :data:`POLL_SECONDS` (a cheap read) and sends the whole
view only when the version moved. The page's ``EventSource`` reconnects by itself after a restart; a comment line
every :data:`HEARTBEAT_SECONDS` keeps proxies from closing an idle stream. The countdown runs in the browser from
``closes_at`` and the server's clock (``server_ms``), so a projector whose clock is wrong still counts right.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import segno
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from bot.classroom.records import ClassroomError, Phase, ProjectorView, Standing
from bot.web.pages import chosen_lang, message, message_text, render

POLL_SECONDS = 0.2
HEARTBEAT_SECONDS = 15.0
#: How long the browser waits before reconnecting a dropped stream (the ``retry:`` field).
RETRY_MS = 1000


def epoch_ms(moment: datetime | None) -> int | None:
    return None if moment is None else round(moment.timestamp() * 1000)


def standings(rows: tuple[Standing, ...]) -> list[dict[str, Any]]:
    """Standings as the projector shows them: no learner ids, only the names the students chose."""
    return [
        {"rank": r.rank, "name": r.display_name, "points": r.points, "right": r.right, "answered": r.answered}
        for r in rows
    ]


def view_json(view: ProjectorView, now: datetime) -> dict[str, Any]:
    """The view as one JSON object (the page renders from it, on load and on every change)."""
    reveal = None
    if view.reveal is not None:
        content = view.reveal.question.content(view.lang)
        reveal = {
            "position": view.reveal.position,
            "prompt": content.prompt,
            "options": list(content.options),
            "counts": list(view.reveal.counts),
            "right": list(view.reveal.right),
            "answered": view.reveal.answered,
            "members": view.reveal.members,
            "misconception": view.reveal.misconception,
            "explanation": content.explanation,
            "top": standings(view.reveal.top),
        }
    return {
        "version": view.version,
        "phase": str(view.phase),
        "lang": view.lang,
        "class_name": view.class_name,
        "join_code": view.join_code,
        "members": list(view.members),
        "size": view.size,
        "mode": str(view.mode),
        "show_leaderboard": view.show_leaderboard,
        "position": view.position,
        "prompt": view.prompt,
        "options": list(view.options),
        "closes_at_ms": epoch_ms(view.closes_at),
        "remaining_ms": view.remaining_ms,
        "answered": view.answered,
        "reveal": reveal,
        "top": standings(view.top),
        "podium": standings(view.podium),
        "server_ms": epoch_ms(now),
    }


def qr_svg(data: str) -> Markup:
    """A QR code as inline SVG that scales with its box (segno writes the markup from our own data)."""
    svg = segno.make(data, error="m").svg_inline(scale=1, border=2, omitsize=True, dark="#000", light="#fff")
    return Markup(svg)


async def _view(request: Request, token: str) -> ProjectorView | None:
    try:
        found: ProjectorView = await run_in_threadpool(request.app.state.classroom.projector_view, token)
    except ClassroomError:
        return None
    return found


def _now(request: Request) -> datetime:
    now: datetime = request.app.state.classroom.clock()
    return now


async def page(request: Request) -> Response:
    token = request.path_params["token"]
    view = await _view(request, token)
    if view is None:
        lang = chosen_lang(request, "zh")
        return message(request, message_text("unknown_projector", lang), lang, 404)
    lang = chosen_lang(request, view.lang)
    join_link = await run_in_threadpool(_join_link, request, view.join_code)
    return render(
        request,
        "projector.html",
        lang,
        view=view,
        state=view_json(view, _now(request)),
        qr=qr_svg(join_link or view.join_code),
        has_bot=join_link is not None,
        token=token,
    )


def _join_link(request: Request, join_code: str) -> str | None:
    """The deep link students open (``https://t.me/<bot>?start=c_<join_token>``); None without a bot username."""
    username = request.app.state.bot_username
    if not username:
        return None
    info = request.app.state.classroom.class_by_code(join_code)
    return f"https://t.me/{username}?start=c_{info.join_token}"


async def view_json_route(request: Request) -> Response:
    view = await _view(request, request.path_params["token"])
    if view is None:
        return JSONResponse({"error": "unknown_session"}, status_code=404)
    return JSONResponse(view_json(view, _now(request)), headers={"Cache-Control": "no-store"})


def sse(event: str, data: dict[str, Any], event_id: int) -> str:
    return f"id: {event_id}\nevent: {event}\ndata: {json.dumps(data, ensure_ascii=False, separators=(',', ':'))}\n\n"


async def events(request: Request) -> Response:
    token = request.path_params["token"]
    view = await _view(request, token)
    if view is None:
        return JSONResponse({"error": "unknown_session"}, status_code=404)
    return StreamingResponse(
        _stream(request, token, view),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no", "Connection": "keep-alive"},
    )


async def _stream(request: Request, token: str, first: ProjectorView) -> AsyncIterator[str]:
    """The view now, then again every time its version moves; ends after the session ends (the page stops
    listening then), when the browser goes away, or when the server is stopping (``app.state.closing``: uvicorn
    waits for open responses before it stops, and a projector left open would hold it forever)."""
    classroom = request.app.state.classroom
    poll = request.app.state.poll_seconds
    closing = request.app.state.closing
    yield f"retry: {RETRY_MS}\n\n"
    yield sse("view", view_json(first, _now(request)), first.version)
    version, beat = first.version, time.monotonic()
    phase = first.phase
    while phase is not Phase.ENDED:
        await asyncio.sleep(poll)
        if closing.is_set() or await request.is_disconnected():
            return
        try:
            current = await run_in_threadpool(classroom.version, token)
            if current != version:
                view: ProjectorView = await run_in_threadpool(classroom.projector_view, token)
                version, phase, beat = view.version, view.phase, time.monotonic()
                yield sse("view", view_json(view, _now(request)), view.version)
        except ClassroomError:
            return  # the session is gone: the page keeps what it shows
        if time.monotonic() - beat >= HEARTBEAT_SECONDS:
            beat = time.monotonic()
            yield ": heartbeat\n\n"


ROUTES = [
    Route("/p/{token}", page, name="projector"),
    Route("/p/{token}/view.json", view_json_route, name="projector_json"),
    Route("/p/{token}/events", events, name="projector_events"),
]
