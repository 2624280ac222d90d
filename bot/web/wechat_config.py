"""The WeChat Official Account's configuration, from the app's settings (``bot.settings``), checked at once: None
when ``WECHAT_TOKEN`` is not set (the ``/wechat`` routes are not mounted), a one-line :class:`ConfigError` when it
is set but something is missing or malformed."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from pydantic import SecretStr

from bot.settings import Settings
from bot.settings import settings as current_settings

#: The account page's rules: a token of 3-32 letters and digits, an EncodingAESKey of 43 letters and digits.
TOKEN = re.compile(r"^[A-Za-z0-9]{3,32}$")
AES_KEY = re.compile(r"^[A-Za-z0-9]{43}$")
APP_ID = re.compile(r"^wx[A-Za-z0-9]{16}$")


class ConfigError(ValueError):
    """A WeChat setting is missing or malformed; the message is one line for the operator."""


@dataclass(frozen=True)
class WeChatConfig:
    token: str
    app_id: str
    app_secret: str
    #: The EncodingAESKey: the safe mode (messages encrypted both ways); None: plaintext.
    aes_key: str | None
    api_base_url: str = "https://api.weixin.qq.com/cgi-bin/"
    reply_deadline: float = 4.5

    @property
    def safe_mode(self) -> bool:
        return self.aes_key is not None

    def __repr__(self) -> str:  # the token, the secret and the key are never shown
        return f"WeChatConfig(app_id={self.app_id!r}, safe_mode={self.safe_mode}, api_base_url={self.api_base_url!r})"

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> WeChatConfig | None:
        """The configuration from ``settings`` (default: the app's); None when ``WECHAT_TOKEN`` is not set."""
        s = settings if settings is not None else current_settings()
        token = _reveal(s.wechat_token)
        if not token:
            return None
        if not TOKEN.fullmatch(token):
            raise ConfigError("WECHAT_TOKEN is malformed: 3-32 letters and digits, as on the account's server page")
        app_id = (s.wechat_app_id or "").strip()
        secret = _reveal(s.wechat_app_secret)
        missing = [name for name, value in (("WECHAT_APP_ID", app_id), ("WECHAT_APP_SECRET", secret)) if not value]
        if missing:
            raise ConfigError(f"WECHAT_TOKEN is set but {' and '.join(missing)} not: the account's page shows them")
        if not APP_ID.fullmatch(app_id):
            raise ConfigError(f"WECHAT_APP_ID is malformed: expected wx and 16 letters or digits, got {app_id!r}")
        aes_key = _reveal(s.wechat_encoding_aes_key) or None
        if aes_key is not None and not _aes_key_ok(aes_key):
            raise ConfigError("WECHAT_ENCODING_AES_KEY is malformed: 43 letters and digits, as on the account's page")
        return cls(token, app_id, secret, aes_key, s.wechat_api_base_url, s.wechat_reply_deadline)


def _aes_key_ok(value: str) -> bool:
    if not AES_KEY.fullmatch(value):
        return False
    try:
        return len(base64.b64decode(value + "=", validate=True)) == 32
    except (binascii.Error, ValueError):
        return False


def _reveal(value: SecretStr | None) -> str:
    return value.get_secret_value().strip() if value is not None else ""
