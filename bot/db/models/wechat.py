"""The WeChat Official Account's cached credentials (migration 0007): wechatpy's session values (the access token,
the JS-API ticket) by key, with their expiry, shared by every worker. The row of a key is also the lock that lets
one worker refresh the token for all (``SELECT ... FOR UPDATE``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models.base import Base


class WeChatToken(Base):
    __tablename__ = "wechat_tokens"

    #: wechatpy's session key, e.g. ``wx0123456789abcdef_access_token``.
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    #: The value; None once dropped (the row stays: it is the refresh lock).
    value: Mapped[str | None] = mapped_column(Text)
    #: When the value stops being valid (None: never).
    expires_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]
