"""WeChat's API as the Official Account front end uses it: customer-service messages (text, and an image uploaded as
temporary media), through wechatpy's client on ``WECHAT_API_BASE_URL``, with the access token shared by every worker
(:class:`~bot.web.wechat_store.DatabaseStorage`).

The rules for WeChat's errors:
- 40001 / 40014 / 42001 (the token is invalid or expired, e.g. another server fetched a new one): drop that token,
  refresh once (under the lock: one worker fetches for all), retry once. wechatpy's own retry is off: it would
  retry without end and refresh per worker.
- 45015 / 45047 (the user wrote more than 48 hours ago, or too many messages since): :class:`OutsideWindow`; the
  caller gives up on that message and logs it, nothing else fails.
- anything else: :class:`WeChatApiError` with the code.
The calls block (requests): the web app runs them in a worker thread. OpenIDs appear in the log only hashed
(:func:`who`).
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

import requests
from wechatpy import WeChatClient  # type: ignore[import-untyped]
from wechatpy.exceptions import WeChatClientException  # type: ignore[import-untyped]

from bot.shared.privacy import MaskingFilter
from bot.web.wechat_config import WeChatConfig
from bot.web.wechat_store import MARGIN, DatabaseStorage

logger = logging.getLogger(__name__)
logger.addFilter(MaskingFilter())

T = TypeVar("T")

#: The token is not (or no longer) valid: refresh once and retry once.
TOKEN_ERRORS = frozenset({40001, 40014, 42001})
#: Outside the 48-hour customer-service window, or over its message count: give up on the message.
WINDOW_ERRORS = frozenset({45015, 45047})


class WeChatApiError(RuntimeError):
    def __init__(self, errcode: int | None, errmsg: str) -> None:
        self.errcode = errcode
        super().__init__(f"WeChat API error {errcode}: {errmsg}")


class OutsideWindow(WeChatApiError):
    """The user can no longer be written to (45015: over 48 hours since their last message; 45047: too many)."""


def who(openid: str) -> str:
    """How an OpenID appears in the log: a short hash, never the OpenID."""
    return "u:" + hashlib.sha256(openid.encode()).hexdigest()[:10]


class _Client(WeChatClient):
    """wechatpy's client on another API base, with the token from the shared storage and no retry of its own."""

    def __init__(self, config: WeChatConfig, storage: DatabaseStorage, timeout: float) -> None:
        super().__init__(config.app_id, config.app_secret, session=storage, timeout=timeout, auto_retry=False)
        self.API_BASE_URL = config.api_base_url
        self.storage = storage

    @property
    def access_token(self) -> str:
        """The shared token; fetched (by one worker for all) only when it is missing or about to expire."""
        token = self.storage.current(self.access_token_key, MARGIN)
        return token if token is not None else self.storage.refresh(self.access_token_key, self._fetch)

    def fetch_access_token(self) -> dict[str, Any]:
        token = self.storage.refresh(
            self.access_token_key, self._fetch, refused=self.storage.get(self.access_token_key)
        )
        return {"access_token": token}

    def _fetch(self) -> tuple[str, int]:
        """A new token from WeChat (``GET token``): the value and how many seconds it lasts."""
        logger.info("fetching a WeChat access token")
        try:
            response = self._http.get(
                self.API_BASE_URL + "token",
                params={"grant_type": "client_credential", "appid": self.appid, "secret": self.secret},
                timeout=self.timeout,
            )
            response.raise_for_status()
            result = response.json()
        except (requests.RequestException, ValueError) as error:
            raise WeChatApiError(None, f"token: {type(error).__name__}") from None
        if int(result.get("errcode") or 0) != 0:
            raise WeChatApiError(int(result["errcode"]), str(result.get("errmsg") or ""))
        return str(result["access_token"]), int(result.get("expires_in") or 7200)


class WeChatApi:
    """Customer-service messages to one user at a time; every method blocks (run it in a worker thread)."""

    def __init__(self, config: WeChatConfig, storage: DatabaseStorage, *, timeout: float = 10.0) -> None:
        self.client = _Client(config, storage, timeout)
        self.storage = storage

    def send_text(self, openid: str, text: str) -> None:
        self._call(lambda: self.client.message.send_text(openid, text))

    def send_image(self, openid: str, png: bytes, filename: str = "progress.png") -> None:
        """Upload ``png`` as temporary media, then send it."""
        upload = self._call(lambda: self.client.media.upload("image", (filename, io.BytesIO(png), "image/png")))
        media_id = str(upload["media_id"])
        self._call(lambda: self.client.message.send_image(openid, media_id))

    def _call(self, do: Callable[[], T]) -> T:
        token = self.client.access_token
        try:
            return _once(do)
        except WeChatApiError as error:
            if error.errcode not in TOKEN_ERRORS:
                raise
            logger.info("WeChat refused the access token (%s): refreshing it once", error.errcode)
        self.storage.drop(self.client.access_token_key, token)
        self.storage.refresh(self.client.access_token_key, self.client._fetch, refused=token, margin=timedelta(0))
        return _once(do)


def _once(do: Callable[[], T]) -> T:
    """``do()``, with wechatpy's and requests' errors as :class:`WeChatApiError` (:class:`OutsideWindow`)."""
    try:
        return do()
    except WeChatClientException as error:
        code = error.errcode
        message = str(error.errmsg or "")
        if code is None and isinstance(getattr(error, "response", None), requests.Response):
            message = f"HTTP {error.response.status_code}"
        raise (OutsideWindow if code in WINDOW_ERRORS else WeChatApiError)(code, message) from None
    except requests.RequestException as error:
        raise WeChatApiError(None, type(error).__name__) from None
