"""A stand-in for the Telegram Bot API server, on 127.0.0.1, for end-to-end tests and the benchmark.

It speaks the Bot API over real HTTP (``/bot<token>/<method>``, form or multipart bodies as python-telegram-bot
sends them): getMe, getUpdates (long polling over a queue of scripted updates), and every sending method, which it
records and answers with a plausible object (a Message with a poll for sendPoll, with photo sizes for sendPhoto).
It keeps the messages it has seen (pushed and sent) so that a sent reply carries ``reply_to_message`` as Telegram's
does, and stopPoll answers with the poll it stops, closed. It can answer a method with 429 "retry after N" once,
to test that the bot waits and retries.

Telegram's limits, for the campaign sender's tests and bench/campaign_send.py (:class:`Limits`, ``limit()``): a
share of the sending calls answered 429 "retry after N" at random (the chat must then wait N seconds: a call to it
sooner is counted in ``early`` and refused again), 30 messages a second overall (a token bucket) and one a second
per chat, each answered 429 when exceeded; chats that answer 403 "Forbidden: bot was blocked by the user"
(``block()``) or 400 "Bad Request: chat not found" (``forget()``). Every message accepted is counted per chat and
content (``accepted``), so a test sees what was lost (missing) or repeated (``duplicates()``).
"""

from __future__ import annotations

import itertools
import json
import math
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs

BOT_ID = 7000000001
BOT_USERNAME = "antifraud_test_bot"
TOKEN = "7000000001:AAFakeTokenForTheStandInServer_0123456"


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)
    result: Any = None  # what the stand-in answered (a Message for the sending methods)


@dataclass(frozen=True)
class Limits:
    """How strict the stand-in is with the sending methods (``send*`` with a ``chat_id``), as Telegram is."""

    throttle_share: float = 0.0  # the share of sends answered 429 at random (the chat must then wait retry_after)
    retry_after: int = 1  # seconds, in those random 429s
    overall_rate: float = 0.0  # messages a second in all (a token bucket of overall_burst); 0: not enforced
    overall_burst: float = 30.0
    chat_interval: float = 0.0  # seconds between two messages to one chat; 0: not enforced
    seed: int = 11  # the random 429s are the same in every run


class StandIn:
    """The stand-in server. ``push()`` scripts updates; ``calls`` records every call the bot made."""

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.updates: list[dict[str, Any]] = []
        self.lock = threading.Condition()
        self.message_ids = itertools.count(1000)
        self.poll_ids = itertools.count(1)
        self.update_ids = itertools.count(1)
        self.failures: dict[str, list[int]] = {}
        #: (chat id, message id) -> the message, pushed or sent: replies and callback buttons refer to them.
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        # Telegram's limits (limit(), block(), forget()) and what they did.
        self.limits = Limits()
        self.random = random.Random(self.limits.seed)
        self.blocked: set[int] = set()
        self.missing: set[int] = set()
        self.wait_until: dict[int, float] = {}  # chat -> when the retry_after it was given is up
        self.last_sent: dict[int, float] = {}  # chat -> when it was last sent a message
        self.bucket, self.bucket_at = 0.0, time.monotonic()
        self.throttled: Counter[str] = Counter()  # 429s by cause: share, overall, chat, early
        self.refused: Counter[str] = Counter()  # blocked (403), not_found (400)
        self.early = 0  # calls to a chat before the retry_after it was given was up
        #: (chat id, text + buttons) -> how many times it was accepted; and when each send was accepted.
        self.accepted: Counter[tuple[int, str]] = Counter()
        self.accepted_at: list[float] = []
        self.server = _Server(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # --- life

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/bot"

    # --- scripting

    def next_update_id(self) -> int:
        return next(self.update_ids)

    def push(self, *updates: dict[str, Any]) -> None:
        with self.lock:
            for update in updates:
                message = update.get("message")
                if message is not None:
                    self.messages[(int(message["chat"]["id"]), int(message["message_id"]))] = message
            self.updates.extend(updates)
            self.lock.notify_all()

    def fail_once(self, method: str, retry_after: int) -> None:
        """The next call of ``method`` gets 429 Too Many Requests with ``retry_after`` seconds."""
        self.failures.setdefault(method, []).append(retry_after)

    def limit(self, **limits: Any) -> None:
        """Enforce Telegram's limits (the fields of :class:`Limits`) from now on."""
        with self.lock:
            self.limits = Limits(**limits)
            self.random = random.Random(self.limits.seed)
            self.bucket, self.bucket_at = 0.0, time.monotonic()

    def block(self, *chat_ids: int) -> None:
        """These chats blocked the bot: every send to them is answered 403."""
        with self.lock:
            self.blocked.update(int(c) for c in chat_ids)

    def forget(self, *chat_ids: int) -> None:
        """These chats do not exist (any more): every send to them is answered 400 "chat not found"."""
        with self.lock:
            self.missing.update(int(c) for c in chat_ids)

    def duplicates(self) -> dict[tuple[int, str], int]:
        """The messages accepted more than once: (chat, content) -> times."""
        with self.lock:
            return {key: n for key, n in self.accepted.items() if n > 1}

    def accepted_chats(self) -> set[int]:
        with self.lock:
            return {chat for chat, _ in self.accepted}

    def sent(self, method: str | None = None, chat_id: int | None = None) -> list[Call]:
        with self.lock:
            return [
                c
                for c in self.calls
                if (method is None or c.method == method)
                and (chat_id is None or str(c.params.get("chat_id")) == str(chat_id))
            ]

    def wait_for(self, predicate: Any, timeout: float = 30.0) -> list[Call]:
        """Wait until ``predicate(calls)`` is true; return the calls."""
        deadline = time.monotonic() + timeout
        with self.lock:
            while not predicate(self.calls):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(
                        f"stand-in: condition not met in {timeout} s; calls: {[c.method for c in self.calls][-20:]}"
                    )
                self.lock.wait(min(remaining, 0.2))
            return list(self.calls)

    def wait_calls(self, method: str, count: int, chat_id: int | None = None, timeout: float = 30.0) -> list[Call]:
        self.wait_for(
            lambda calls: (
                len(
                    [
                        c
                        for c in calls
                        if c.method == method and (chat_id is None or str(c.params.get("chat_id")) == str(chat_id))
                    ]
                )
                >= count
            ),
            timeout,
        )
        return self.sent(method, chat_id)

    def delivered(self, timeout: float = 30.0) -> None:
        """Wait until the bot has fetched every scripted update."""
        deadline = time.monotonic() + timeout
        with self.lock:
            while self.updates:
                if time.monotonic() > deadline:
                    raise TimeoutError("stand-in: updates not fetched")
                self.lock.wait(0.1)

    # --- the API

    def handle(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if method != "getUpdates":
            with self.lock:
                waits = self.failures.get(method)
                refusal = _too_many(waits.pop(0)) if waits else self._refusal(method, params)
                if refusal is not None:
                    self.calls.append(Call(method, params, result=refusal[1]))
                    self.lock.notify_all()
                    return refusal
        handler = getattr(self, f"api_{method}", None)
        result = handler(params) if handler else True
        if method != "getUpdates":
            with self.lock:
                self.calls.append(Call(method, params, result=result))
                if method.startswith("send") and "chat_id" in params:
                    self.accepted[(int(params["chat_id"]), _content(params))] += 1
                self.lock.notify_all()
        return 200, {"ok": True, "result": result}

    def _refusal(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
        """Telegram's answer when a send breaks a rule (with the lock held); None when it goes through."""
        if not method.startswith("send") or "chat_id" not in params:
            return None
        chat, now, limits = int(params["chat_id"]), time.monotonic(), self.limits
        if chat in self.blocked:
            self.refused["blocked"] += 1
            return 403, {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}
        if chat in self.missing:
            self.refused["not_found"] += 1
            return 400, {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}
        if now < self.wait_until.get(chat, 0.0):  # told to wait, and did not
            self.early += 1
            self.throttled["early"] += 1
            return _too_many(math.ceil(self.wait_until[chat] - now))
        if limits.throttle_share and self.random.random() < limits.throttle_share:
            self.throttled["share"] += 1
            return self._throttle(chat, now, limits.retry_after)
        if limits.overall_rate:
            self.bucket = max(0.0, self.bucket - (now - self.bucket_at) * limits.overall_rate)
            self.bucket_at = now
            if self.bucket + 1 > limits.overall_burst:
                self.throttled["overall"] += 1
                return _too_many(1)
        if limits.chat_interval and now - self.last_sent.get(chat, -math.inf) < limits.chat_interval:
            self.throttled["chat"] += 1
            return self._throttle(chat, now, math.ceil(limits.chat_interval))
        if limits.overall_rate:
            self.bucket += 1
        self.last_sent[chat] = now
        self.accepted_at.append(now)
        return None

    def _throttle(self, chat: int, now: float, retry_after: int) -> tuple[int, dict[str, Any]]:
        self.wait_until[chat] = now + retry_after
        return _too_many(retry_after)

    def message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        with self.lock:
            return self.messages.get((int(chat_id), int(message_id)))

    def api_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Anti-fraud",
            "username": BOT_USERNAME,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def api_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), 1.0)
        deadline = time.monotonic() + timeout
        with self.lock:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
            while not self.updates and time.monotonic() < deadline:
                self.lock.wait(deadline - time.monotonic())
            batch = self.updates[:100]
            self.lock.notify_all()
            return batch

    def _message(self, params: dict[str, Any], **extra: Any) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        message = {
            "message_id": next(self.message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Anti-fraud", "username": BOT_USERNAME},
            **extra,
        }
        reply = params.get("reply_parameters")
        if isinstance(reply, str):
            reply = _value(reply)
        if isinstance(reply, dict) and "message_id" in reply:
            original = self.message(int(reply.get("chat_id") or chat_id), int(reply["message_id"]))
            if original is not None:
                message["reply_to_message"] = original
        markup = params.get("reply_markup")
        markup = _value(markup) if isinstance(markup, str) else markup
        if isinstance(markup, dict) and "inline_keyboard" in markup:  # a message carries only inline keyboards
            message["reply_markup"] = markup
        with self.lock:
            self.messages[(chat_id, message["message_id"])] = message
        return message

    def api_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._message(params, text=params.get("text", ""))

    def api_sendPoll(self, params: dict[str, Any]) -> dict[str, Any]:
        options = params.get("options") or []
        poll = {
            "id": f"poll{next(self.poll_ids)}",
            "question": params.get("question", ""),
            "options": [
                {"text": o if isinstance(o, str) else o.get("text", ""), "voter_count": 0, "persistent_id": f"o{i}"}
                for i, o in enumerate(options)
            ],
            "total_voter_count": 0,
            "is_closed": False,
            "is_anonymous": False,
            "allows_revoting": False,
            "members_only": False,
            "type": params.get("type", "regular"),
            "allows_multiple_answers": str(params.get("allows_multiple_answers", "false")).lower() == "true",
        }
        if "correct_option_ids" in params:
            poll["correct_option_ids"] = list(params["correct_option_ids"])
        if "open_period" in params:
            poll["open_period"] = int(params["open_period"])
        return self._message(params, poll=poll)

    def api_sendPhoto(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._message(
            params,
            photo=[{"file_id": "photo1", "file_unique_id": "p1", "width": 800, "height": 600}],
            caption=params.get("caption"),
        )

    def api_stopPoll(self, params: dict[str, Any]) -> dict[str, Any]:
        sent = self.message(int(params["chat_id"]), int(params["message_id"]))
        if sent is not None and "poll" in sent:
            return {**sent["poll"], "is_closed": True}
        return {
            "id": "poll",
            "question": "",
            "options": [],
            "total_voter_count": 0,
            "is_closed": True,
            "is_anonymous": False,
            "type": "quiz",
            "allows_multiple_answers": False,
            "allows_revoting": False,
            "members_only": False,
        }

    # --- HTTP

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # quiet
                return

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                prefix = f"/bot{standin.token}/"
                if not self.path.startswith(prefix):
                    self._reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
                    return
                method = self.path[len(prefix) :].split("?")[0]
                params = parse_body(self.headers.get("Content-Type", ""), body)
                status, payload = standin.handle(method, params)
                self._reply(status, payload)

            do_GET = do_POST

            def _reply(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler


class _Server(ThreadingHTTPServer):
    request_queue_size = 256  # a burst of concurrent requests (a class's polls, 40 classes' reveals) is not refused

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that hung up (the bot stopping mid long-poll) is not an error here


def _too_many(retry_after: int) -> tuple[int, dict[str, Any]]:
    return 429, {
        "ok": False,
        "error_code": 429,
        "description": f"Too Many Requests: retry after {retry_after}",
        "parameters": {"retry_after": retry_after},
    }


def _content(params: dict[str, Any]) -> str:
    """What a sent message says (its text or caption, its buttons): two sends with the same are a duplicate."""
    return json.dumps([params.get("text") or params.get("caption") or "", params.get("reply_markup")], default=str)


def _value(raw: str) -> Any:
    try:
        return json.loads(raw)
    except (ValueError, TypeError):
        return raw


def parse_body(content_type: str, body: bytes) -> dict[str, Any]:
    if not body:
        return {}
    if content_type.startswith("application/json"):
        return json.loads(body)
    if content_type.startswith("multipart/form-data"):
        message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
        params: dict[str, Any] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True) or b""
            if part.get_filename():
                params[name] = {"filename": part.get_filename(), "size": len(payload), "head": payload[:8]}
            else:
                params[name] = _value(payload.decode("utf-8", "replace"))
        return params
    return {k: _value(v[0]) for k, v in parse_qs(body.decode("utf-8"), keep_blank_values=True).items()}


# --------------------------------------------------------------------------------------------------------------
# Updates, as Telegram sends them


def user(user_id: int, language_code: str = "en", first_name: str = "Ann") -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": language_code}


def message_update(
    update_id: int,
    chat_id: int,
    user_: dict[str, Any],
    text: str,
    *,
    group: bool = False,
    entities: list[dict[str, Any]] | None = None,
    message_id: int = 1,
    reply_to: dict[str, Any] | None = None,
) -> dict[str, Any]:
    chat = (
        {"id": chat_id, "type": "supergroup", "title": "Class 3B"}
        if group
        else {"id": chat_id, "type": "private", "first_name": user_.get("first_name", "")}
    )
    message: dict[str, Any] = {
        "message_id": message_id,
        "date": int(time.time()),
        "chat": chat,
        "from": user_,
        "text": text,
    }
    if text.startswith("/"):
        command = text.split()[0]
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    if entities:
        message["entities"] = entities
    if reply_to is not None:  # a reply: Telegram sends the message replied to along
        message["reply_to_message"] = reply_to
    return {"update_id": update_id, "message": message}


def mention(text: str) -> list[dict[str, Any]]:
    at = f"@{BOT_USERNAME}"
    index = text.index(at)
    return [{"type": "mention", "offset": len(text[:index].encode("utf-16-le")) // 2, "length": len(at)}]


def callback_update(
    update_id: int, chat_id: int, user_: dict[str, Any], data: str, message: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A pressed button; ``message`` is the bot's message that carries it (as Telegram sends it back, with its
    ``reply_to_message``), else a placeholder message in the chat."""
    return {
        "update_id": update_id,
        "callback_query": {
            "id": f"cb{update_id}",
            "from": user_,
            "chat_instance": "ci",
            "data": data,
            "message": message
            or {
                "message_id": 1,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
                "from": {"id": BOT_ID, "is_bot": True, "first_name": "Anti-fraud", "username": BOT_USERNAME},
                "text": "…",
            },
        },
    }


def poll_answer_update(update_id: int, poll_id: str, user_: dict[str, Any], option_ids: list[int]) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "poll_answer": {
            "poll_id": poll_id,
            "user": user_,
            "option_ids": option_ids,
            "option_persistent_ids": [f"o{i}" for i in option_ids],
        },
    }
