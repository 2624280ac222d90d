"""A stand-in for WeChat, on 127.0.0.1, for the end-to-end tests and bench/wechat_callback.py. It plays both sides:

- **WeChat's API** (``base_url``, what ``WECHAT_API_BASE_URL`` points at): ``GET token`` (an access token with an
  expiry; a wrong AppID/AppSecret gets 40013/40125), ``POST message/custom/send`` (recorded; an unknown token gets
  40001, an expired one 42001, a user outside the 48-hour window 45015, a text over 2048 bytes 45002),
  ``POST media/upload`` (recorded: type, file name, size, the first bytes). Errors can be scripted for the next calls
  (``fail_next``), tokens expired or revoked at once.
- **WeChat's callback side**: :meth:`WeChatStandIn.deliver` signs a message's XML and POSTs it to our URL exactly as
  WeChat does (``signature``/``timestamp``/``nonce`` in the query; in safe mode ``encrypt_type=aes`` and
  ``msg_signature``, the XML encrypted with AES-256-CBC), waits ``timeout`` seconds (5, as WeChat) for the answer,
  retries up to ``retries`` times (3) when there is none, and records every attempt and the reply it got
  (decrypted and its signature checked in safe mode).

The safe-mode cipher is written here from WeChat's description (AES-256-CBC, key = base64(EncodingAESKey + "="),
iv = the key's first 16 bytes, plaintext = 16 random bytes + length (4 bytes, big-endian) + XML + AppID, PKCS#7 to
32 bytes), not borrowed from wechatpy, so that the test checks the server's crypto against an independent one.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import os
import re
import secrets
import struct
import threading
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

import httpx
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

APP_ID = "wx0123456789abcdef"
APP_SECRET = "0123456789abcdef0123456789abcdef"
TOKEN = "antifraudTestToken2026"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"  # 43 characters, as the account's page makes them
ACCOUNT = "gh_0123456789ab"  # the account's own user name: the ToUserName of what users send


def openid(n: int | str) -> str:
    """A plausible OpenID (28 characters) for test user ``n``."""
    return ("oTest" + hashlib.sha256(str(n).encode()).hexdigest())[:28]


# --------------------------------------------------------------------------------------------------------------
# WeChat's signatures and cipher, independently of wechatpy


def sign(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def _key(aes_key: str) -> bytes:
    key = base64.b64decode(aes_key + "=")
    assert len(key) == 32
    return key


def encrypt(xml: str, aes_key: str, app_id: str) -> str:
    key = _key(aes_key)
    body = xml.encode()
    plain = os.urandom(16) + struct.pack(">I", len(body)) + body + app_id.encode()
    pad = 32 - len(plain) % 32
    plain += bytes([pad]) * pad
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode()


def decrypt(text: str, aes_key: str, app_id: str) -> str:
    key = _key(aes_key)
    decryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    plain = decryptor.update(base64.b64decode(text)) + decryptor.finalize()
    plain = plain[: -plain[-1]]
    (length,) = struct.unpack(">I", plain[16:20])
    xml, sender = plain[20 : 20 + length], plain[20 + length :]
    assert sender.decode() == app_id, f"encrypted for {sender!r}, not {app_id!r}"
    return xml.decode()


#: Characters XML 1.0 cannot carry (control characters): WeChat never sends them, so the stand-in drops them too.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def cdata(value: str) -> str:
    return "<![CDATA[" + NOT_XML.sub("", value).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def to_xml(fields: dict[str, Any]) -> str:
    inner = "".join(
        f"<{name}>{value}</{name}>" if isinstance(value, int) else f"<{name}>{cdata(str(value))}</{name}>"
        for name, value in fields.items()
    )
    return f"<xml>{inner}</xml>"


def from_xml(xml: str) -> dict[str, str]:
    return {child.tag: child.text or "" for child in ET.fromstring(xml)}


# --------------------------------------------------------------------------------------------------------------
# What users send (the callback XML's fields)

_msg_ids = itertools.count(int(time.time()) * 1000)


def text(user: str, content: str, msg_id: int | None = None) -> dict[str, Any]:
    return _message(user, "text", {"Content": content}, msg_id)


def image(user: str) -> dict[str, Any]:
    return _message(user, "image", {"PicUrl": "http://mmbiz.qpic.cn/x.jpg", "MediaId": "media-in-1"})


def voice(user: str, recognition: str | None = None) -> dict[str, Any]:
    extra = {"MediaId": "media-in-2", "Format": "amr"}
    if recognition is not None:
        extra["Recognition"] = recognition
    return _message(user, "voice", extra)


def video(user: str) -> dict[str, Any]:
    return _message(user, "video", {"MediaId": "media-in-3", "ThumbMediaId": "thumb-1"})


def location(user: str) -> dict[str, Any]:
    return _message(user, "location", {"Location_X": "31.23", "Location_Y": "121.47", "Scale": 15, "Label": "上海"})


def link(user: str) -> dict[str, Any]:
    return _message(
        user, "link", {"Title": "通知", "Description": "点击领取", "Url": "http://mp.weixin.qq.com/s?__biz=x"}
    )


def event(user: str, name: str, key: str | None = None, at: int | None = None) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "ToUserName": ACCOUNT,
        "FromUserName": user,
        "CreateTime": at if at is not None else int(time.time()),
        "MsgType": "event",
        "Event": name,
    }
    if key is not None:
        fields["EventKey"] = key
    return fields


def _message(user: str, kind: str, extra: dict[str, Any], msg_id: int | None = None) -> dict[str, Any]:
    return {
        "ToUserName": ACCOUNT,
        "FromUserName": user,
        "CreateTime": int(time.time()),
        "MsgType": kind,
        **extra,
        "MsgId": msg_id if msg_id is not None else next(_msg_ids),
    }


# --------------------------------------------------------------------------------------------------------------
# Records


@dataclass
class Attempt:
    """One POST of a callback: the status, the raw body, how long it took, and whether it counted (timed out or
    was lost on the way, as WeChat would see it)."""

    status: int | None
    body: str
    seconds: float
    timed_out: bool = False
    lost: bool = False


@dataclass
class Delivery:
    """A message delivered to our server: every attempt, and the reply WeChat took from the last one."""

    message: dict[str, Any]
    attempts: list[Attempt] = field(default_factory=list)
    #: The passive reply's fields (decrypted in safe mode), or None for ``success`` / an empty body / no answer.
    reply: dict[str, str] | None = None
    #: ``success`` or an empty body: the server will (or needs not) answer by the customer-service API.
    acknowledged: bool = False

    @property
    def content(self) -> str | None:
        return self.reply.get("Content") if self.reply else None

    @property
    def seconds(self) -> float:
        """POST to the answer WeChat used (the last attempt)."""
        return self.attempts[-1].seconds if self.attempts else 0.0


@dataclass
class Sent:
    """A customer-service message the stand-in accepted (``errcode`` 0) or refused."""

    body: dict[str, Any]
    token: str
    errcode: int
    at: float = field(default_factory=time.monotonic)

    @property
    def to(self) -> str:
        return str(self.body.get("touser"))

    @property
    def kind(self) -> str:
        return str(self.body.get("msgtype"))

    @property
    def text(self) -> str:
        return str((self.body.get("text") or {}).get("content") or "")


@dataclass
class Upload:
    kind: str
    filename: str
    size: int
    head: bytes
    media_id: str


# --------------------------------------------------------------------------------------------------------------
# The server


class WeChatStandIn:
    def __init__(
        self,
        *,
        app_id: str = APP_ID,
        app_secret: str = APP_SECRET,
        token: str = TOKEN,
        aes_key: str | None = None,
        token_ttl: int = 7200,
        timeout: float = 5.0,
        retries: int = 3,
    ) -> None:
        self.app_id, self.app_secret, self.token, self.aes_key = app_id, app_secret, token, aes_key
        self.token_ttl, self.timeout, self.retries = token_ttl, timeout, retries
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)
        self.tokens: dict[str, float] = {}  # access token -> when it expires (monotonic)
        self.token_fetches = 0
        self.sent: list[Sent] = []
        self.uploads: list[Upload] = []
        self.failures: dict[str, list[int]] = {}  # endpoint -> errcodes to answer next, in order
        self.outside_window: set[str] = set()  # OpenIDs whose last message is over 48 hours old: 45015
        self.deliveries: list[Delivery] = []
        self.api_delay = 0.0  # seconds every API call takes (a slow network)
        self.server = _Server(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        # As many connections as there are senders (httpx's default pool of 100 would queue the 101st user).
        self.http = httpx.Client(
            timeout=httpx.Timeout(timeout, connect=5.0, pool=None),
            limits=httpx.Limits(max_connections=1000, max_keepalive_connections=1000),
        )

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.close()
        self.server.shutdown()
        self.server.server_close()

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/cgi-bin/"

    # --- scripting the API

    def fail_next(self, endpoint: str, *errcodes: int) -> None:
        """Answer the next calls of ``endpoint`` (``message/custom/send``, ``media/upload``, ``token``) with these
        errors, one each, before answering normally again."""
        with self.lock:
            self.failures.setdefault(endpoint, []).extend(errcodes)

    def expire_tokens(self) -> None:
        """Every access token handed out so far has expired (42001 from now on)."""
        with self.lock:
            for key in self.tokens:
                self.tokens[key] = 0.0

    def revoke_tokens(self) -> None:
        """Every access token handed out so far is unknown (40001: another server fetched a new one)."""
        with self.lock:
            self.tokens.clear()

    def texts_to(self, user: str) -> list[str]:
        with self.lock:
            return [s.text for s in self.sent if s.to == user and s.kind == "text" and s.errcode == 0]

    def sent_to(self, user: str) -> list[Sent]:
        with self.lock:
            return [s for s in self.sent if s.to == user and s.errcode == 0]

    def wait_sent(self, user: str, count: int, timeout: float = 20.0, errcode: int = 0) -> list[Sent]:
        """The customer-service messages to ``user`` answered ``errcode`` (0: accepted) once there are ``count``."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                got = [s for s in self.sent if s.to == user and s.errcode == errcode]
                if len(got) >= count:
                    return got
                left = deadline - time.monotonic()
                assert left > 0, f"{len(got)} customer-service message(s) to the user, expected {count}: {got}"
                self.changed.wait(left)

    # --- the callback side

    def params(self, user: str = "", encrypted: str | None = None) -> dict[str, str]:
        """The query WeChat signs a callback with (and adds the sender's OpenID to)."""
        timestamp, nonce = str(int(time.time())), str(secrets.randbelow(10**10))
        query = {"signature": sign(self.token, timestamp, nonce), "timestamp": timestamp, "nonce": nonce}
        if user:
            query["openid"] = user
        if encrypted is not None:
            query["encrypt_type"] = "aes"
            query["msg_signature"] = sign(self.token, timestamp, nonce, encrypted)
        return query

    def deliver(self, url: str, message: dict[str, Any], *, lose: int = 0) -> Delivery:
        """POST ``message`` to ``url`` as WeChat does: signed, encrypted in safe mode; after ``timeout`` seconds
        without an answer (or an answer ``lose`` says is lost on the way), again, up to ``retries`` times."""
        delivery = Delivery(message)
        plain = to_xml(message)
        for attempt in range(1 + self.retries):
            if self.aes_key is not None:
                encrypted = encrypt(plain, self.aes_key, self.app_id)
                query = self.params(str(message.get("FromUserName", "")), encrypted)
                body = to_xml({"ToUserName": message.get("ToUserName", ACCOUNT), "Encrypt": encrypted})
            else:
                query = self.params(str(message.get("FromUserName", "")))
                body = plain
            start = time.monotonic()
            try:
                response = self.http.post(
                    url, params=query, content=body.encode(), headers={"Content-Type": "text/xml"}
                )
            except httpx.TimeoutException:
                delivery.attempts.append(Attempt(None, "", time.monotonic() - start, timed_out=True))
                continue
            seen = Attempt(response.status_code, response.text, time.monotonic() - start, lost=attempt < lose)
            delivery.attempts.append(seen)
            if seen.lost:
                continue
            self._take(delivery, seen, query)
            break
        with self.lock:
            self.deliveries.append(delivery)
        return delivery

    def _take(self, delivery: Delivery, seen: Attempt, query: dict[str, str]) -> None:
        body = seen.body.strip()
        if seen.status != 200 or body in ("", "success"):
            delivery.acknowledged = seen.status == 200
            return
        fields = from_xml(body)
        if self.aes_key is not None:
            assert "Encrypt" in fields, f"a plaintext reply in safe mode: {body}"
            signature = sign(self.token, fields["TimeStamp"], fields["Nonce"], fields["Encrypt"])
            assert signature == fields["MsgSignature"], "the encrypted reply's signature is wrong"
            fields = from_xml(decrypt(fields["Encrypt"], self.aes_key, self.app_id))
        message = delivery.message
        assert fields.get("ToUserName") == message["FromUserName"], "the reply is not addressed to the sender"
        assert fields.get("FromUserName") == message["ToUserName"], "the reply is not from the account"
        delivery.reply = fields

    # --- the API side

    def handle(self, method: str, path: str, query: dict[str, str], body: bytes, content_type: str) -> dict[str, Any]:
        if self.api_delay:
            time.sleep(self.api_delay)
        endpoint = path.removeprefix("/cgi-bin/")
        with self.lock:
            scripted = self.failures.get(endpoint)
            if scripted:
                code = scripted.pop(0)
                if endpoint == "message/custom/send":
                    self._record(body, query.get("access_token", ""), code)
                return _error(code)
            if endpoint == "token":
                return self._token(query)
            problem = self._check_token(query.get("access_token", ""))
            if problem:
                if endpoint == "message/custom/send":
                    self._record(body, query.get("access_token", ""), problem)
                return _error(problem)
            if endpoint == "message/custom/send":
                return self._custom_send(body, query["access_token"])
            if endpoint == "media/upload":
                return self._upload(query, body, content_type)
        return _error(40050 if method == "POST" else 40066)

    def _token(self, query: dict[str, str]) -> dict[str, Any]:
        if query.get("grant_type") != "client_credential":
            return _error(40002)
        if query.get("appid") != self.app_id:
            return _error(40013)
        if query.get("secret") != self.app_secret:
            return _error(40125)
        self.token_fetches += 1
        value = f"ACCESS_TOKEN_{self.token_fetches}_{secrets.token_hex(8)}"
        self.tokens[value] = time.monotonic() + self.token_ttl
        return {"access_token": value, "expires_in": self.token_ttl}

    def _check_token(self, value: str) -> int:
        expires = self.tokens.get(value)
        if expires is None:
            return 40001
        if expires <= time.monotonic():
            return 42001
        return 0

    def _record(self, body: bytes, token: str, errcode: int) -> None:
        try:
            parsed = json.loads(body.decode("utf-8"))
        except ValueError:
            parsed = {"raw": body[:200].decode("utf-8", "replace")}
        self.sent.append(Sent(parsed, token, errcode))
        self.changed.notify_all()

    def _custom_send(self, body: bytes, token: str) -> dict[str, Any]:
        data = json.loads(body.decode("utf-8"))
        code = 0
        if data.get("touser") in self.outside_window:
            code = 45015
        elif data.get("msgtype") == "text" and len(str(data["text"]["content"]).encode()) > 2048:
            code = 45002
        elif data.get("msgtype") == "image" and not any(u.media_id == data["image"]["media_id"] for u in self.uploads):
            code = 40007  # invalid media_id
        self._record(body, token, code)
        return _error(code)

    def _upload(self, query: dict[str, str], body: bytes, content_type: str) -> dict[str, Any]:
        kind = query.get("type", "")
        if kind not in ("image", "voice", "video", "thumb"):
            return _error(40004)
        message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
        for part in message.iter_parts():
            if part.get_param("name", header="content-disposition") == "media":
                payload = part.get_payload(decode=True)
                payload = payload if isinstance(payload, bytes) else b""
                media_id = f"MEDIA_{len(self.uploads) + 1}_{secrets.token_hex(6)}"
                self.uploads.append(Upload(kind, str(part.get_filename()), len(payload), payload[:8], media_id))
                return {"type": kind, "media_id": media_id, "created_at": int(time.time())}
        return _error(41005)  # media data missing

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # quiet
                return

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
                payload = standin.handle(self.command, parts.path, query, body, self.headers.get("Content-Type", ""))
                raw = json.dumps(payload, ensure_ascii=False).encode()
                self.send_response(200)  # WeChat answers errors with 200 and an errcode
                self.send_header("Content-Type", "application/json; encoding=utf-8")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            do_GET = do_POST

        return Handler


ERRORS = {
    0: "ok",
    40001: "invalid credential, access_token is invalid or not latest",
    40002: "invalid grant_type",
    40004: "invalid media type",
    40007: "invalid media_id",
    40013: "invalid appid",
    40050: "invalid endpoint",
    40066: "invalid url",
    40125: "invalid appsecret",
    41005: "media data missing",
    42001: "access_token expired",
    45002: "content size out of limit",
    45015: "response out of time limit or subscription is canceled",
    45047: "out of response count limit",
}


def _error(code: int) -> dict[str, Any]:
    return {"errcode": code, "errmsg": ERRORS.get(code, "error")}


class _Server(ThreadingHTTPServer):
    request_queue_size = 256

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass
