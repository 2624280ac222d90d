"""The web chat (``/chat``): a mobile page that talks to the assistant over a small JSON API, for people without
Telegram or WeChat (a plain link, or the WeChat account's menu opening it in WeChat's browser).

- Anonymous: a random id (``secrets.token_urlsafe``) in an HttpOnly cookie is all that identifies a person; the
  conversation id is ``web-<sha256(cookie)[:24]>`` (Rasa's sender, the chat quiz's learner on channel ``chat``).
- ``POST /chat/api/send {id, text, payload?, lang?}`` -> ``{replies: [{text, buttons, urgent, lang}]}``: one
  :func:`bot.channels.turn.turn` (masked, relayed once, urgent steps first). ``id`` is the client's message id: the
  inbox (``bot.channels.inbox``) lets one request answer it, and a resend gets the stored replies again.
  ``payload`` is a tapped button's (``text`` is then its title, which the log shows). Refusals, each with a clear
  ``error`` in the page's language: 400 (empty, malformed), 413 (over the size limit), 429 (per session and per IP,
  counted in the database: ``bot.channels.ratelimit``), 409 (that id is still being answered), 503 (the assistant
  is down; nothing is stored, the page offers a retry).
- ``GET /chat/api/history``: the conversation so far (``web_chat_log``, masked text only, kept ``keep_days``).
- ``GET /chat?lang=en``: the page in that language (remembered in the ``lang`` cookie); on a conversation that has
  begun, the assistant is told too, so that its buttons answer in the chosen language.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.channels import transcript
from bot.channels.assistant import Assistant
from bot.channels.inbox import claim as inbox_claim
from bot.channels.inbox import finish as inbox_finish
from bot.channels.inbox import prune as inbox_prune
from bot.channels.inbox import result as inbox_result
from bot.channels.language import tell_language
from bot.channels.ratelimit import hit as rate_hit
from bot.channels.replies import Item, to_json
from bot.channels.store import reading, writing
from bot.channels.turn import MAX_INPUT, InputProblem, problem, turn
from bot.i18n import LANGS, t
from bot.shared.privacy import MaskingFilter, mask
from bot.web.pages import LANG_COOKIE, chosen_lang, render

logger = logging.getLogger(__name__)
logger.addFilter(MaskingFilter())

#: The cookie holding the anonymous session's random id.
COOKIE = "antifraud_chat"
#: The inbox's channel name for the web chat's messages.
CHANNEL = "web"
#: A client message id: what the page makes (32 hex digits), within reason.
CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
#: A button's payload as the assistant makes them: ``/intent`` and optional JSON entities.
PAYLOAD = re.compile(r"^/[a-z_]{1,64}(\{.{0,400}\})?$", re.S)
#: The largest request body read (the text in JSON, each character escaped at worst, and the rest).
MAX_BODY = MAX_INPUT * 6 + 2048
#: How long a message id is remembered (a resend comes within seconds; WeChat's retries within 15 s).
INBOX_DAYS = timedelta(days=1)
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
LATIN = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class ChatOptions:
    """What the web chat needs: the assistant, its limits and the clock."""

    assistant: Assistant
    #: Messages a minute one session may send, and all sessions of one IP address.
    per_session: int = 20
    per_ip: int = 120
    #: How long the conversation's log is kept (and shown on a reload).
    keep_days: int = 30
    #: The most messages a reload shows.
    history_limit: int = 200
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))


def conversation_of(cookie: str) -> str:
    return "web-" + hashlib.sha256(cookie.encode("utf-8")).hexdigest()[:24]


def text_lang(text: str, fallback: str) -> str:
    """The language a text is in, for its ``lang`` attribute: Chinese when it has more Han characters than Latin
    letters (a Chinese reply quoting an English word is still Chinese), else English; ``fallback`` for neither."""
    han, latin = len(HAN.findall(text)), len(LATIN.findall(text))
    if not han and not latin:
        return fallback
    return "zh" if han * 3 >= latin else "en"


def _browser_lang(request: Request) -> str:
    """The first of our languages in the browser's Accept-Language (WeChat's browser sends its UI language)."""
    header = request.headers.get("accept-language", "")
    ranked = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        ranked.append((-quality, position, tag.strip().lower()[:2]))
    for _, _, lang in sorted(ranked):
        if lang in LANGS:
            return lang
    return "zh"


def page_lang(request: Request) -> str:
    return chosen_lang(request, _browser_lang(request))


def chat_texts(lang: str) -> dict[str, str]:
    """The page's own texts (the assistant's come from Rasa)."""
    return {
        "title": t("webchat.title", lang),
        "other_lang": t("webchat.other_lang", lang),
        "intro": t("webchat.intro", lang),
        "privacy": t("webchat.privacy", lang),
        "input_label": t("webchat.input_label", lang),
        "placeholder": t("webchat.placeholder", lang),
        "send": t("webchat.send", lang),
        "you": t("webchat.you", lang),
        "assistant": t("webchat.assistant", lang),
        "urgent": t("webchat.urgent", lang),
        "choices": t("webchat.choices", lang),
        "typing": t("webchat.typing", lang),
        "retry": t("webchat.retry", lang),
        "noscript": t("webchat.noscript", lang),
        "empty": t("webchat.empty", lang),
        "too_long": t("webchat.too_long", lang, limit=MAX_INPUT),
        "bad_request": t("webchat.bad_request", lang),
        "too_many": t("webchat.too_many", lang),
        "busy": t("webchat.busy", lang),
        "unavailable": t("webchat.unavailable", lang),
        "offline": t("webchat.offline", lang),
    }


def starters(lang: str) -> list[dict[str, str]]:
    """The buttons under the greeting: the assistant's own menu (hotlines, red flags, the quiz)."""
    return [
        {"title": t("assistant.btn_hotlines", lang), "payload": "/ask_hotline"},
        {"title": t("assistant.btn_red_flags", lang), "payload": "/ask_red_flags"},
        {"title": t("assistant.btn_quiz", lang), "payload": "/start_quiz"},
    ]


def _options(request: Request) -> ChatOptions:
    options: ChatOptions = request.app.state.chat
    return options


def _session(request: Request) -> tuple[str, bool]:
    """The session's cookie value, and whether it is new (then the response sets it)."""
    cookie = request.cookies.get(COOKIE, "")
    if 20 <= len(cookie) <= 64 and CLIENT_ID.match(cookie):
        return cookie, False
    return secrets.token_urlsafe(24), True


def _set_session(request: Request, response: Response, cookie: str) -> None:
    response.set_cookie(
        COOKIE,
        cookie,
        max_age=_options(request).keep_days * 24 * 3600,
        httponly=True,
        samesite="lax",
        secure=request.app.state.secure_cookies,
        path="/chat",
    )


async def page(request: Request) -> Response:
    lang = page_lang(request)
    cookie, new = _session(request)
    options = _options(request)
    chosen = request.query_params.get("lang")
    if chosen == lang and not new:  # a switch on a conversation that has begun: its buttons follow the page
        conversation = conversation_of(cookie)
        if await reading(request.app.state.db, lambda s: transcript.exists(s, conversation)):
            await tell_language(options.assistant, conversation, lang)
    config = {
        "lang": lang,
        "max_chars": MAX_INPUT,
        "send_url": "/chat/api/send",
        "history_url": "/chat/api/history",
        "texts": chat_texts(lang),
    }
    response = render(request, "chat.html", lang, ct=chat_texts(lang), config=config, starters=starters(lang))
    if new:
        _set_session(request, response, cookie)
    if chosen == lang:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, httponly=True, samesite="lax")
    return response


def _refuse(status: int, key: str, lang: str, **headers: str) -> JSONResponse:
    texts = chat_texts(lang)
    return JSONResponse({"error": texts[key]}, status_code=status, headers={"Cache-Control": "no-store", **headers})


async def _body(request: Request) -> dict[str, Any] | None:
    """The JSON object sent, or None (malformed); :class:`ValueError` when it is over :data:`MAX_BODY`."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY:
        raise ValueError("too large")
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > MAX_BODY:
            raise ValueError("too large")
    try:
        parsed = json.loads(data)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def _down(replies: list[Item]) -> bool:
    """Did the turn end on "the assistant is down" (its one message, in either language)?"""
    return bool(replies) and replies[0].text in {t("channels.assistant_down", other) for other in LANGS}


def _ip_key(request: Request) -> str:
    """The client address as a rate-limit key: hashed, never stored in clear."""
    host = request.client.host if request.client else "unknown"
    return hashlib.sha256(host.encode("utf-8")).hexdigest()[:20]


async def send(request: Request) -> Response:
    options = _options(request)
    lang = page_lang(request)
    cookie, new = _session(request)
    try:
        body = await _body(request)
    except ValueError:
        return _refuse(413, "too_long", lang)
    except ClientDisconnect:
        return Response(status_code=400)
    if body is not None and body.get("lang") in LANGS:
        lang = str(body["lang"])
    if body is None or not isinstance(body.get("id"), str) or not CLIENT_ID.match(body["id"]):
        return _refuse(400, "bad_request", lang)
    text, payload = body.get("text"), body.get("payload")
    if not isinstance(text, str) or (payload is not None and not (isinstance(payload, str) and PAYLOAD.match(payload))):
        return _refuse(400, "bad_request", lang)
    wrong = problem(text)
    if wrong is InputProblem.EMPTY:
        return _refuse(400, "empty", lang)
    if wrong is InputProblem.TOO_LONG:
        return _refuse(413, "too_long", lang)

    conversation = conversation_of(cookie)
    key = f"{conversation}:{body['id']}"
    now = options.clock()
    session_key, ip_key = f"web:session:{conversation}:60", f"web:ip:{_ip_key(request)}:60"

    def admit(s: Session) -> tuple[str, Any]:
        """One transaction: a resent id's answer, else the limits counted, the message claimed (and whether it is
        a button tapped as the conversation's first message)."""
        before = inbox_result(s, CHANNEL, key)
        if before is not None:
            return ("again", before.reply) if before.done else ("busy", None)
        if not rate_hit(s, session_key, options.per_session, 60, now) or not rate_hit(
            s, ip_key, options.per_ip, 60, now
        ):
            return "limited", None
        if not inbox_claim(s, CHANNEL, key, now, stale_after=timedelta(minutes=2)):
            return "busy", None
        return "go", payload is not None and not transcript.exists(s, conversation)

    db = request.app.state.db
    verdict, detail = await writing(db, admit)
    if verdict == "again":
        return _again(detail, lang)
    if verdict == "busy":
        return _refuse(409, "busy", lang, **{"Retry-After": "1"})
    if verdict == "limited":
        return _refuse(429, "too_many", lang, **{"Retry-After": "60"})
    if detail:
        await tell_language(options.assistant, conversation, lang)  # a button first: answer in the page's language
    replies = await turn(options.assistant, db, conversation, payload or text, lang_hint=lang, now=now)
    if _down(replies):
        await writing(db, lambda s: inbox_finish(s, CHANNEL, key, {"down": True}, options.clock()))
        return _refuse(503, "unavailable", lang)
    shown = [{**entry, "lang": text_lang(entry["text"], lang)} for entry in to_json(replies)]
    said = mask(text.strip())
    entries = [transcript.Entry(transcript.Role.USER, said, lang=text_lang(said, lang))] + [
        transcript.Entry(transcript.Role.BOT, r.text, tuple(r.buttons), r.urgent, lang=s["lang"])
        for r, s in zip(replies, shown, strict=True)
    ]
    done = options.clock()

    def record(s: Session) -> None:
        transcript.append(s, conversation, entries, done)
        inbox_finish(s, CHANNEL, key, {"replies": shown}, done)
        transcript.prune(s, done - timedelta(days=options.keep_days))  # one indexed DELETE, usually of nothing
        inbox_prune(s, done - INBOX_DAYS)

    await writing(db, record)
    response = JSONResponse({"replies": shown}, headers={"Cache-Control": "no-store"})
    if new:
        _set_session(request, response, cookie)
    return response


def _again(stored: Any, lang: str) -> Response:
    """A resent id: the same answer as the first time."""
    if not isinstance(stored, dict) or "replies" not in stored:
        return _refuse(503, "unavailable", lang)
    return JSONResponse({"replies": stored["replies"]}, headers={"Cache-Control": "no-store"})


async def history(request: Request) -> Response:
    options = _options(request)
    cookie = request.cookies.get(COOKIE, "")
    if not cookie:
        return JSONResponse({"messages": []}, headers={"Cache-Control": "no-store"})
    conversation = conversation_of(cookie)
    since = options.clock() - timedelta(days=options.keep_days)
    found = await reading(
        request.app.state.db, lambda s: transcript.recent(s, conversation, since, options.history_limit)
    )
    messages = [
        {
            "role": entry.role.value,
            "text": entry.text,
            "buttons": [{"title": c.title, "payload": c.payload} for c in entry.buttons],
            "urgent": entry.urgent,
            "lang": entry.lang,
        }
        for entry in found
    ]
    return JSONResponse({"messages": messages}, headers={"Cache-Control": "no-store"})


ROUTES = [
    Route("/chat", page, methods=["GET"]),
    Route("/chat/api/send", send, methods=["POST"]),
    Route("/chat/api/history", history, methods=["GET"]),
]
