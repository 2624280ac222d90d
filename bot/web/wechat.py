"""The WeChat Official Account's callback URL: ``GET /wechat`` (the server check: the signature, then ``echostr``
back) and ``POST /wechat`` (a follower's message or event, plaintext or in the safe mode), routes of the one web app
(mounted by :func:`routes` when ``WECHAT_TOKEN`` is set).

A POST, in order: the signature (``signature``, and in the safe mode ``msg_signature`` over the encrypted body)
checked, else 403 and nothing processed; the XML decrypted and parsed with wechatpy; the message claimed in the inbox
(``bot.channels.inbox``: WeChat retries a message it got no answer to, and only the first delivery is handled); the
turn (``bot.channels.turn``: numbered choices resolved, relayed to the assistant once) raced against the deadline
(``WECHAT_REPLY_DEADLINE``, 4.5 s: WeChat gives up after 5):

- **in time**: the first text is the passive reply (the stop-now steps when urgent); the rest, and the progress
  chart, follow as customer-service messages after the response (a background task);
- **late**: ``success`` at once, and every text by the customer-service API when the turn ends.

The decision is stored in the inbox at once: a retry of the message gets the same passive reply (the first answer
was lost on the way) or ``success``, never a second turn. Learners are ``wechat-<openid>`` conversations (the
action server keys their quiz by channel ``wechat`` and the OpenID); an OpenID is never logged (hashed,
:func:`~bot.web.wechat_api.who`), never shown, and leaves this module only in those ids.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route
from wechatpy import parse_message  # type: ignore[import-untyped]
from wechatpy.crypto import WeChatCrypto  # type: ignore[import-untyped]
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException  # type: ignore[import-untyped]
from wechatpy.replies import TextReply  # type: ignore[import-untyped]
from wechatpy.utils import check_signature  # type: ignore[import-untyped]

from bot.channels.assistant import Assistant
from bot.channels.chart import mastery_chart
from bot.channels.choices import Choices
from bot.channels.ids import wechat_conversation
from bot.channels.inbox import Inbox
from bot.channels.language import conversation_language
from bot.channels.turn import Conversation
from bot.db import Database
from bot.db.models import Channel
from bot.i18n import t
from bot.quiz.service import QuizService
from bot.shared.privacy import MaskingFilter
from bot.web.wechat_api import OutsideWindow, WeChatApi, WeChatApiError, who
from bot.web.wechat_config import WeChatConfig
from bot.web.wechat_messages import Inbound, Notice, inbound, language_choices, notice_text, outgoing, reply_lang
from bot.web.wechat_store import DatabaseStorage

logger = logging.getLogger(__name__)
logger.addFilter(MaskingFilter())

CHANNEL = "wechat"
PATH = "/wechat"
#: A callback body larger than this is refused (WeChat's XML for a 2,048-byte text is about 3 KB).
MAX_BODY = 64 * 1024
#: How often a retry looks whether the first delivery has decided how to answer.
POLL = 0.05
#: A claim still undecided this long after its deadline was the claim of a worker that died: a later retry takes
#: over (WeChat retries about 5, 10 and 15 s after sending).
TAKE_OVER = timedelta(seconds=5)
#: The inbox keeps a message this long (WeChat retries within 15 s), and is pruned at most this often per worker.
KEEP, PRUNE_EVERY = timedelta(days=1), timedelta(hours=1)


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Answer:
    """What a turn produced: the texts in order, and whether the progress chart follows them."""

    texts: list[str]
    chart_lang: str | None = None


class WeChat:
    """The callback's handlers over the database (inbox, choices, token), the assistant and WeChat's API."""

    def __init__(
        self,
        config: WeChatConfig,
        db: Database,
        assistant: Assistant,
        *,
        api: WeChatApi | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.config = config
        self.db = db
        self.assistant = assistant
        self.crypto = WeChatCrypto(config.token, config.aes_key, config.app_id) if config.aes_key else None
        self.conversation = Conversation(assistant, db)
        self.inbox = Inbox(db)
        self.choices = Choices(db)
        self.api = api if api is not None else WeChatApi(config, DatabaseStorage(db))
        self.quiz = QuizService(db)
        self.clock = clock
        self.pruned = datetime.min.replace(tzinfo=UTC)

    def routes(self) -> list[BaseRoute]:
        return [Route(PATH, self.verify, methods=["GET"]), Route(PATH, self.callback, methods=["POST"])]

    # --- HTTP

    def _signed(self, request: Request) -> bool:
        q = request.query_params
        try:
            check_signature(self.config.token, q.get("signature", ""), q.get("timestamp", ""), q.get("nonce", ""))
        except InvalidSignatureException:
            return False
        return True

    async def verify(self, request: Request) -> Response:
        """WeChat's check of the server URL: echo ``echostr`` if the signature is ours."""
        if not self._signed(request):
            return PlainTextResponse("forbidden", status_code=403)
        return PlainTextResponse(request.query_params.get("echostr", ""))

    async def callback(self, request: Request) -> Response:
        started = time.monotonic()
        if not self._signed(request):
            return PlainTextResponse("forbidden", status_code=403)
        body = await request.body()
        if len(body) > MAX_BODY:
            return PlainTextResponse("too large", status_code=413)
        q = request.query_params
        safe = q.get("encrypt_type", "raw") == "aes"
        try:
            xml = self._open(body, q.get("msg_signature", ""), q.get("timestamp", ""), q.get("nonce", ""), safe)
        except (InvalidSignatureException, InvalidAppIdException):
            return PlainTextResponse("forbidden", status_code=403)
        except Exception:  # malformed XML, base64 or padding: wechatpy raises many kinds
            return PlainTextResponse("bad request", status_code=400)
        try:
            message = parse_message(xml)
        except Exception:
            return PlainTextResponse("bad request", status_code=400)
        todo = inbound(message) if message is not None else None
        if todo is None:
            return _success()
        reply = _Replier(self, message, safe, q.get("nonce", ""), q.get("timestamp", ""))
        now = self.clock()
        stale = timedelta(seconds=self.config.reply_deadline) + TAKE_OVER
        if not await self.inbox.claim(CHANNEL, todo.key, now, stale_after=stale):
            return await self._again(todo, reply, started)
        return await self._first(todo, reply, started)

    def _open(self, body: bytes, signature: str, timestamp: str, nonce: str, safe: bool) -> str:
        if not safe:
            return body.decode("utf-8")
        if self.crypto is None:
            raise InvalidSignatureException()  # an encrypted message, and no key to check it with
        return str(self.crypto.decrypt_message(body, signature, timestamp, nonce))

    # --- the first delivery of a message, and its retries

    async def _first(self, todo: Inbound, reply: _Replier, started: float) -> Response:
        """Answer within the deadline, whatever happens: the database and WeChat's API are used after the response
        (a background task), never before it once the turn is done."""
        task = asyncio.create_task(self._answer(todo))
        left = self.config.reply_deadline - (time.monotonic() - started)
        done, _ = await asyncio.wait({task}, timeout=max(0.0, left))
        if task in done and task.exception() is None:
            answer = task.result()
            passive = answer.texts[0] if answer.texts else None
            rest = Answer(answer.texts[1:], answer.chart_lang)
            return reply(passive, BackgroundTask(self._then, todo, passive, rest))
        logger.info("%s: the reply was late or failed: it goes by the customer-service API", who(todo.openid))
        return _success(BackgroundTask(self._late, todo, task))

    async def _then(self, todo: Inbound, passive: str | None, rest: Answer) -> None:
        """After a passive reply: the decision stored for retries, then the rest sent."""
        await self._decided(todo, passive)
        if rest.texts or rest.chart_lang:
            await self._deliver(todo.openid, rest)

    async def _late(self, todo: Inbound, task: asyncio.Task[Answer]) -> None:
        """After ``success``: the decision stored for retries, then every text sent when the turn is done."""
        await self._decided(todo, None)
        try:
            answer = await task
        except Exception:
            logger.exception("%s: the turn failed", who(todo.openid))
            answer = Answer([t("channels.assistant_down", "zh")])
        await self._deliver(todo.openid, answer)

    async def _decided(self, todo: Inbound, passive: str | None) -> None:
        """Store how the message was answered (a retry reads it), and prune the inbox now and then."""
        now = self.clock()
        try:
            await self.inbox.finish(CHANNEL, todo.key, {"passive": passive}, now)
            if now - self.pruned > PRUNE_EVERY:
                self.pruned = now
                await self.inbox.prune(now - KEEP)
        except Exception:  # the reply still goes out; a retry finds the message undecided (see TAKE_OVER)
            logger.exception("%s: the inbox could not record the answer", who(todo.openid))

    async def _again(self, todo: Inbound, reply: _Replier, started: float) -> Response:
        """A retry: the first delivery's passive reply again (its answer was lost), or ``success``; never a turn."""
        while (left := self.config.reply_deadline - (time.monotonic() - started)) > POLL:
            try:
                entry = await asyncio.wait_for(self.inbox.result(CHANNEL, todo.key), timeout=left)
            except TimeoutError:
                break
            if entry is not None and entry.done:
                passive = (entry.reply or {}).get("passive")
                return reply(str(passive), None) if passive else _success()
            await asyncio.sleep(POLL)
        return _success()

    # --- the answer

    async def _answer(self, todo: Inbound) -> Answer:
        conversation = wechat_conversation(todo.openid)
        if todo.text is not None:
            items = await self.conversation.turn(conversation, todo.text)
            chart = next((item for item in items if item.chart), None)
            return Answer(outgoing(items), reply_lang(items) if chart else None)
        if todo.notice is Notice.WELCOME:
            await self.choices.remember(conversation, language_choices(), self.clock())
            return Answer([notice_text(Notice.WELCOME, "zh")])
        assert todo.notice is not None
        lang = await conversation_language(self.assistant, conversation)
        if lang is None:  # who has never written: both languages
            return Answer([notice_text(todo.notice, "zh") + "\n\n" + notice_text(todo.notice, "en")])
        return Answer([notice_text(todo.notice, lang)])

    async def _deliver(self, openid: str, answer: Answer) -> None:
        """The texts, then the chart, by the customer-service API; given up at the first refusal (logged)."""
        await asyncio.to_thread(self._send, openid, answer)

    def _send(self, openid: str, answer: Answer) -> None:
        try:
            for text in answer.texts:
                self.api.send_text(openid, text)
            if answer.chart_lang is not None:
                self._chart(openid, answer.chart_lang)
        except OutsideWindow as error:
            logger.warning("%s: outside WeChat's 48-hour window (%s): message given up", who(openid), error.errcode)
        except WeChatApiError as error:
            logger.error("%s: WeChat refused a customer-service message: %s", who(openid), error)

    def _chart(self, openid: str, lang: str) -> None:
        report = self.quiz.report(Channel.WECHAT, openid)
        if report is None or not report.attempts:
            return
        png = mastery_chart(report.mastery, lang)
        try:
            self.api.send_image(openid, png)
        except OutsideWindow:
            raise
        except WeChatApiError as error:
            logger.error("%s: the progress chart was not sent: %s", who(openid), error)
            self.api.send_text(openid, t("wechat.chart_failed", lang))


class _Replier:
    """Makes the HTTP answer to one callback: a passive text reply (encrypted in the safe mode) or ``success``."""

    def __init__(self, wechat: WeChat, message: Any, safe: bool, nonce: str, timestamp: str) -> None:
        self.wechat, self.message, self.safe, self.nonce, self.timestamp = wechat, message, safe, nonce, timestamp

    def __call__(self, text: str | None, background: BackgroundTask | None) -> Response:
        if not text:
            return _success(background)
        xml = TextReply(message=self.message, content=text).render()
        if self.safe and self.wechat.crypto is not None:
            xml = self.wechat.crypto.encrypt_message(xml, self.nonce, self.timestamp or None)
        return Response(xml, media_type="application/xml", background=background)


def _success(background: BackgroundTask | None = None) -> Response:
    """WeChat's "received, no passive reply" (it then neither retries nor shows an error)."""
    return PlainTextResponse("success", background=background)


def routes(db: Database, assistant: Assistant, config: WeChatConfig | None = None) -> list[BaseRoute]:
    """The ``/wechat`` routes when the account is configured (``WECHAT_*`` settings), else none."""
    config = config if config is not None else WeChatConfig.from_settings()
    return WeChat(config, db, assistant).routes() if config is not None else []
