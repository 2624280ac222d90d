"""Settings of the Telegram front end, from the environment and the command line, checked at once."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

TOKEN = re.compile(r"^\d{3,15}:[A-Za-z0-9_-]{30,50}$")


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
    def from_env(cls, webhook_url: str | None = None, listen: str = "127.0.0.1", port: int = 8443,
                 environ: dict[str, str] | None = None) -> TelegramConfig:
        env = os.environ if environ is None else environ
        token = (env.get("TELEGRAM_BOT_TOKEN") or "").strip()
        if not token:
            raise ConfigError("TELEGRAM_BOT_TOKEN is not set: get a token from @BotFather and export it")
        if not TOKEN.fullmatch(token):
            raise ConfigError("TELEGRAM_BOT_TOKEN is malformed: expected <digits>:<35 letters, digits, - or _>")
        base = (env.get("TELEGRAM_API_BASE_URL") or "").strip() or None
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
            secret = (env.get("TELEGRAM_WEBHOOK_SECRET") or "").strip() or _secret(token)
            if not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
                raise ConfigError("TELEGRAM_WEBHOOK_SECRET may hold only A-Z, a-z, 0-9, _ and - (1-256 characters)")
        return cls(token, base, webhook_url, secret, listen, port)

    @property
    def file_base_url(self) -> str | None:
        return self.base_url[: -len("/bot")] + "/file/bot" if self.base_url else None


def _secret(token: str) -> str:
    """A webhook secret derived from the token (stable across restarts; Telegram echoes it on every call)."""
    import hashlib

    return hashlib.sha256(("webhook:" + token).encode()).hexdigest()
