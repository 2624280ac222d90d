"""The app's settings, in one place: read once from the environment (and an optional ``.env`` file), typed and
checked when read, with every problem reported at once. Nothing else in the app reads ``os.environ``
(``tests/test_settings.py`` checks it).

    from bot.settings import settings
    settings().var_dir, settings().round_size

Paths of the project itself (where the knowledge base, banks and models are) are constants here, not settings:
``ROOT`` is the one way to find the checkout. Settings are read when first asked for, never at import, so that a
bad one ends a command with :class:`SettingsError` (every problem, one per line), not a traceback.
Tests that change the environment call ``settings.cache_clear()`` (tests/conftest.py does it around every test).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: The project checkout: the folder that holds ``bot/``, ``quizzes/``, ``nlu_data/``, ``db/`` and ``models/``.
ROOT = Path(__file__).resolve().parents[1]
#: The question banks shipped with the project.
QUIZZES_DIR = ROOT / "quizzes"
#: The campaign definitions shipped with the project (issue 11; format: docs/CAMPAIGNS.md).
CAMPAIGNS_DIR = ROOT / "campaigns"
#: Rasa's training data.
NLU_DATA_DIR = ROOT / "nlu_data"
#: Where ``antifraud train`` writes the Rasa models.
MODELS_DIR = ROOT / "models"
#: The held-out NLU examples (never trained on), for ``antifraud nlu-eval``.
NLU_HELDOUT_DIR = ROOT / "tests" / "rasa" / "nlu_heldout"

#: Settings whose value is never echoed in a problem message.
_SECRET = frozenset(
    {
        "DATABASE_URL",
        "ANTIFRAUD_RASA_TOKEN",
        "TELEGRAM_BOT_TOKEN",
        "TELEGRAM_WEBHOOK_SECRET",
        "WECHAT_TOKEN",
        "WECHAT_APP_SECRET",
        "WECHAT_ENCODING_AES_KEY",
    }
)


class Settings(BaseSettings):
    """Every setting with its environment variable; the defaults run the terminal chat on SQLite with no token."""

    model_config = SettingsConfigDict(
        env_file=ROOT / ".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    var_dir: Path = Field(
        ROOT / "var",
        validation_alias="ANTIFRAUD_VAR",
        description="Where the SQLite files, logs and generated endpoints go.",
    )
    rasa_venv: Path = Field(
        ROOT / ".venv-rasa",
        validation_alias="ANTIFRAUD_RASA_VENV",
        description="The Rasa environment (scripts/setup.sh builds it).",
    )
    database_url: str | None = Field(
        None,
        validation_alias="DATABASE_URL",
        description="Any SQLAlchemy URL; default: the SQLite file var/antifraud.db.",
    )
    rasa_url: str | None = Field(
        None,
        validation_alias="ANTIFRAUD_RASA_URL",
        description="A running Rasa server; default: start Rasa and the action server.",
    )
    rasa_token: SecretStr | None = Field(
        None, validation_alias="ANTIFRAUD_RASA_TOKEN", description="That Rasa server's auth token, if it has one."
    )
    telegram_bot_token: SecretStr | None = Field(None, validation_alias="TELEGRAM_BOT_TOKEN")
    telegram_api_base_url: str | None = Field(
        None,
        validation_alias="TELEGRAM_API_BASE_URL",
        description="Another Bot API server (self-hosted, or a test stand-in).",
    )
    telegram_webhook_secret: SecretStr | None = Field(None, validation_alias="TELEGRAM_WEBHOOK_SECRET")
    wechat_token: SecretStr | None = Field(
        None,
        validation_alias="WECHAT_TOKEN",
        description="The WeChat Official Account's server token (its callback configuration): serves /wechat when set.",
    )
    wechat_app_id: str | None = Field(None, validation_alias="WECHAT_APP_ID", description="The account's AppID.")
    wechat_app_secret: SecretStr | None = Field(
        None, validation_alias="WECHAT_APP_SECRET", description="The account's AppSecret (the access token's key)."
    )
    wechat_encoding_aes_key: SecretStr | None = Field(
        None,
        validation_alias="WECHAT_ENCODING_AES_KEY",
        description="The account's EncodingAESKey (43 characters): set for the safe mode (encrypted messages).",
    )
    wechat_api_base_url: str = Field(
        "https://api.weixin.qq.com/cgi-bin/",
        validation_alias="WECHAT_API_BASE_URL",
        description="WeChat's API (the access token, customer-service messages, media); the tests' stand-in.",
    )
    wechat_reply_deadline: float = Field(
        4.5,
        gt=0,
        lt=5,
        validation_alias="WECHAT_REPLY_DEADLINE",
        description="Seconds to wait for the assistant before answering WeChat with the customer-service API.",
    )
    public_url: str = Field(
        "http://127.0.0.1:8080",
        validation_alias="ANTIFRAUD_PUBLIC_URL",
        description="Where people reach the web app (projector, teacher pages): the base of the links the bot sends.",
    )
    web_port: int = Field(
        8080,
        ge=1,
        le=65535,
        validation_alias="ANTIFRAUD_WEB_PORT",
        description="The port the web app (and, behind a webhook, the Telegram webhook) listens on.",
    )
    web_listen: str = Field(
        "127.0.0.1", validation_alias="ANTIFRAUD_WEB_LISTEN", description="The address the web app listens on."
    )
    chat_per_minute: int = Field(
        20,
        ge=1,
        le=600,
        validation_alias="ANTIFRAUD_CHAT_PER_MINUTE",
        description="Messages a minute one web chat session may send (then 429).",
    )
    chat_per_ip_minute: int = Field(
        120,
        ge=1,
        le=100_000,
        validation_alias="ANTIFRAUD_CHAT_PER_IP_MINUTE",
        description="Messages a minute all web chat sessions of one IP address may send (then 429).",
    )
    chat_keep_days: int = Field(
        30,
        ge=1,
        le=3650,
        validation_alias="ANTIFRAUD_CHAT_KEEP_DAYS",
        description="Days a web chat conversation is kept (masked) and shown again on a reload.",
    )
    login_link_minutes: int = Field(
        15,
        ge=1,
        le=1440,
        validation_alias="ANTIFRAUD_LOGIN_LINK_MINUTES",
        description="How long a teacher's one-time login link is valid.",
    )
    round_size: int = Field(
        5,
        ge=1,
        le=30,
        validation_alias="ANTIFRAUD_ROUND_SIZE",
        description="Questions in a quiz round, in every front end.",
    )
    tracker_max_events: int = Field(
        40,
        ge=10,
        le=100_000,
        validation_alias="ANTIFRAUD_TRACKER_MAX_EVENTS",
        description="Events of a conversation the Rasa server reads per message (bot/rasa_serve/tracker_store.py).",
    )
    timezone: str = Field(
        "Asia/Shanghai",
        validation_alias="ANTIFRAUD_TIMEZONE",
        description="IANA time zone for times shown to learners whose own zone is not known.",
    )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown IANA time zone {value!r} (e.g. Asia/Shanghai, Europe/London)") from None
        return value

    @field_validator(
        "database_url",
        "rasa_url",
        "telegram_api_base_url",
        "wechat_token",
        "wechat_app_id",
        "wechat_app_secret",
        "wechat_encoding_aes_key",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: Any) -> Any:
        """``DATABASE_URL=`` (set but empty) means "not set", as it did before there were settings."""
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("public_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        from urllib.parse import urlsplit

        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"not an http(s) URL: {value!r} (e.g. https://quiz.example.org)")
        return value.strip().rstrip("/")

    @field_validator("wechat_api_base_url")
    @classmethod
    def _api_base(cls, value: str) -> str:
        """An http(s) URL ending in ``/`` (wechatpy appends the endpoint, ``message/custom/send``, to it)."""
        from urllib.parse import urlsplit

        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"not an http(s) URL: {value!r} (e.g. https://api.weixin.qq.com/cgi-bin/)")
        return value.strip().rstrip("/") + "/"

    @field_validator("database_url")
    @classmethod
    def _sqlalchemy_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            make_url(value.strip())
        except (ArgumentError, ValueError):
            raise ValueError(
                "not a database URL (e.g. sqlite:////path/antifraud.db or postgresql://user@host:5432/name)"
            ) from None
        return value.strip()

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def sqlite_path(self) -> Path:
        """The default database file."""
        return self.var_dir / "antifraud.db"


class SettingsError(ValueError):
    """Some settings are malformed; ``problems`` lists every one, one line each (``NAME: what is wrong``)."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


def _problems(error: ValidationError) -> list[str]:
    out = []
    for item in error.errors():
        name = ".".join(str(part) for part in item["loc"]) or "settings"
        message = str(item["msg"]).removeprefix("Value error, ")
        shown = "" if name in _SECRET or item["type"] == "value_error" else f" (got {item['input']!r})"
        out.append(f"{name}: {message}{shown}")
    return out


def load(**values: Any) -> Settings:
    """Settings from the environment (``values`` win); raises :class:`SettingsError` listing every problem."""
    try:
        return Settings(**values)
    except ValidationError as error:
        raise SettingsError(_problems(error)) from None


@cache
def settings() -> Settings:
    """The settings, read from the environment the first time they are asked for (:class:`SettingsError` if bad)."""
    return load()


def child_environ() -> dict[str, str]:
    """A copy of this process's environment, for the child processes the app starts (the Rasa server, the action
    server): they read their settings from it. The only other place that reads ``os.environ``."""
    return dict(os.environ)
