"""Settings of the Telegram front end, from the app's settings (``bot.settings``) and the command line, checked at
once."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from urllib.parse import urlsplit

from pydantic import SecretStr

from bot.settings import Settings
from bot.settings import settings as current_settings

TOKEN = re.compile(r"^\d{3,15}:[A-Za-z0-9_-]{30,50}$")
#: A webhook path: segments of letters, digits and ``. _ ~ -`` (nothing a router would read as a parameter or an
#: HTTP client would re-encode or normalise).
WEBHOOK_PATH = re.compile(r"^(/[A-Za-z0-9._~-]+)+/?$")


class ConfigError(ValueError):
    """A setting is missing or malformed; the message is one line for the user."""


@dataclass(frozen=True)
class TelegramConfig:
    token: str
    base_url: str | None = None  # TELEGRAM_API_BASE_URL: another Bot API server (self-hosted, or a test stand-in)
    webhook_url: str | None = None
    webhook_secret: str | None = None
    listen: str = "127.0.0.1"
    port: int = 8443

    @classmethod
    def from_settings(
        cls,
        webhook_url: str | None = None,
        listen: str = "127.0.0.1",
        port: int = 8443,
        settings: Settings | None = None,
        reserved: Collection[str] = (),
    ) -> TelegramConfig:
        """The configuration from ``settings`` (default: the app's) and the command line's options. ``reserved``:
        the first path segments the web app serves itself (``/teacher``...): the webhook URL's path may not be one
        of them, nor under one."""
        s = settings if settings is not None else current_settings()
        token = _reveal(s.telegram_bot_token)
        if not token:
            raise ConfigError("TELEGRAM_BOT_TOKEN is not set: get a token from @BotFather and export it")
        if not TOKEN.fullmatch(token):
            raise ConfigError("TELEGRAM_BOT_TOKEN is malformed: expected <digits>:<35 letters, digits, - or _>")
        base = (s.telegram_api_base_url or "").strip() or None
        if base is not None:
            parts = urlsplit(base)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise ConfigError(f"TELEGRAM_API_BASE_URL is not an http(s) URL: {base!r}")
            base = base.rstrip("/")
            if not base.endswith("/bot"):
                base += "/bot"
        secret = None
        if webhook_url is not None:
            parts = urlsplit(webhook_url)
            if parts.scheme != "https" and parts.hostname not in ("127.0.0.1", "localhost"):
                raise ConfigError(f"--webhook-url must be https (Telegram's rule): {webhook_url!r}")
            check_webhook_path(parts.path, reserved)
            secret = _reveal(s.telegram_webhook_secret) or _secret(token)
            if not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
                raise ConfigError("TELEGRAM_WEBHOOK_SECRET may hold only A-Z, a-z, 0-9, _ and - (1-256 characters)")
        return cls(token, base, webhook_url, secret, listen, port)

    @property
    def webhook_path(self) -> str | None:
        """The path the webhook route serves: the webhook URL's own (Telegram posts to that URL)."""
        return urlsplit(self.webhook_url).path if self.webhook_url else None

    @property
    def file_base_url(self) -> str | None:
        return self.base_url[: -len("/bot")] + "/file/bot" if self.base_url else None


def check_webhook_path(path: str, reserved: Collection[str] = ()) -> None:
    """Refuse, in one line, a webhook path the web app cannot serve as the webhook: none, ``/`` (the site's root),
    one with characters a router or client would rewrite, or one of the web app's own (``reserved``)."""
    if path in ("", "/"):
        raise ConfigError("--webhook-url needs a path of its own after the host, such as https://host/telegram")
    segments = path.strip("/").split("/")
    if not WEBHOOK_PATH.fullmatch(path) or any(s in (".", "..") for s in segments):
        raise ConfigError(f"--webhook-url's path may hold only letters, digits and . _ ~ - between slashes: {path!r}")
    if segments[0] in reserved:
        raise ConfigError(f"--webhook-url's path {path} is the web app's own (/{segments[0]}): choose another one")


def _reveal(value: SecretStr | None) -> str:
    return value.get_secret_value().strip() if value is not None else ""


def _secret(token: str) -> str:
    """A webhook secret derived from the token (stable across restarts; Telegram echoes it on every call)."""
    import hashlib

    return hashlib.sha256(("webhook:" + token).encode()).hexdigest()
