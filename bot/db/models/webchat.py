"""The web chat's log (migration 0006, ``bot.channels.transcript``): each conversation as its page shows it again
after a reload. ``conversation`` is the pseudonym ``web-<sha256(cookie)[:24]>``; what a person said is stored
masked (``bot.shared.privacy.mask``); rows older than the web chat's ``keep_days`` are pruned."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models.base import Base


class WebChatLog(Base):
    __tablename__ = "web_chat_log"
    __table_args__ = (
        Index("ix_web_chat_log_conversation_seq", "conversation", "seq"),
        Index("ix_web_chat_log_created_at", "created_at"),
    )

    #: The order of the messages (of every conversation: one counter, so that concurrent writers never collide).
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True)
    conversation: Mapped[str] = mapped_column(String(64))
    #: ``user`` or ``bot``.
    role: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    #: ``[{"title": ..., "payload": ...}, ...]`` under a reply of the assistant's.
    buttons: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    urgent: Mapped[bool]
    #: The language the text is in (``zh`` / ``en``): the page's ``lang`` attribute of the bubble.
    lang: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime]
