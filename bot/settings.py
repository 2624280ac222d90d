"""The app's settings, in one place: read once from the environment (and an optional ``.env`` file), typed and
checked when read, with every problem reported at once. Nothing else in the app reads ``os.environ``.

    from bot.settings import settings
    settings().var_dir, settings().round_size

Paths of the project itself (where the knowledge base, banks and models are) are constants here, not settings.
Tests that change the environment call ``settings.cache_clear()``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: The project checkout: the folder that holds ``bot/``, ``quizzes/``, ``nlu_data/``, ``db/`` and ``models/``.
ROOT = Path(__file__).resolve().parents[1]


class Settings(BaseSettings):
    """Every setting with its environment variable; the defaults run the terminal chat on SQLite with no token."""

    model_config = SettingsConfigDict(env_file=ROOT / ".env", env_file_encoding="utf-8", extra="ignore",
                                      populate_by_name=True)

    var_dir: Path = Field(ROOT / "var", validation_alias="ANTIFRAUD_VAR",
                          description="Where the SQLite files, logs and generated endpoints go.")
    rasa_venv: Path = Field(ROOT / ".venv-rasa", validation_alias="ANTIFRAUD_RASA_VENV",
                            description="The Rasa environment (scripts/setup.sh builds it).")
    database_url: str | None = Field(None, validation_alias="DATABASE_URL",
                                     description="Any SQLAlchemy URL; default: the SQLite file var/antifraud.db.")
    rasa_url: str | None = Field(None, validation_alias="ANTIFRAUD_RASA_URL",
                                 description="A running Rasa server; default: start Rasa and the action server.")
    rasa_token: SecretStr | None = Field(None, validation_alias="ANTIFRAUD_RASA_TOKEN",
                                         description="That Rasa server's auth token, if it has one.")
    telegram_bot_token: SecretStr | None = Field(None, validation_alias="TELEGRAM_BOT_TOKEN")
    telegram_api_base_url: str | None = Field(None, validation_alias="TELEGRAM_API_BASE_URL",
                                              description="Another Bot API server (self-hosted, or a test stand-in).")
    telegram_webhook_secret: SecretStr | None = Field(None, validation_alias="TELEGRAM_WEBHOOK_SECRET")
    round_size: int = Field(5, ge=1, le=30, validation_alias="ANTIFRAUD_ROUND_SIZE",
                            description="Questions in a quiz round, in every front end.")
    timezone: str = Field("Asia/Shanghai", validation_alias="ANTIFRAUD_TIMEZONE",
                          description="IANA time zone for times shown to learners whose own zone is not known.")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown IANA time zone {value!r} (e.g. Asia/Shanghai, Europe/London)") from None
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def sqlite_path(self) -> Path:
        """The default database file."""
        return self.var_dir / "antifraud.db"


@cache
def settings() -> Settings:
    """The settings, read from the environment the first time they are asked for."""
    return Settings()
