"""The chat channels' shared state (migration 0005, ``bot.channels``): what several workers of a chat front end
(WeChat, the web chat) must agree on, kept in the database rather than in a worker's memory.

- ``chat_choices``: the numbered choices last shown in a conversation, so that "2" typed to any worker means the
  second button shown;
- ``channel_inbox``: each inbound message once (WeChat retries a message by its MsgId; the web chat resends by a
  client message id): claimed by one worker, then its finished reply, so that a retry never gets a second one;
- ``rate_counters``: fixed-window counters (per session, per IP, ...), incremented atomically in the database.

Conversation ids and keys are pseudonyms chosen by the front ends (``wechat-<openid>``, ``web-<hash>``); texts
stored here (choice titles, replies) are the assistant's, never what a person typed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models.base import Base


class ChatChoice(Base):
    __tablename__ = "chat_choices"

    conversation: Mapped[str] = mapped_column(String(128), primary_key=True)
    #: ``[{"title": ..., "payload": ...}, ...]``: choice 1 first.
    choices: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    updated_at: Mapped[datetime]


class ChannelInbox(Base):
    __tablename__ = "channel_inbox"
    __table_args__ = (Index("ix_channel_inbox_received_at", "received_at"),)

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    #: The channel's id of the message (WeChat's MsgId, or sender and time of an event; a web client's id).
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    received_at: Mapped[datetime]
    done_at: Mapped[datetime | None]
    #: What was answered (the channel's own JSON), once done.
    reply: Mapped[Any | None] = mapped_column(JSON)


class RateCounter(Base):
    __tablename__ = "rate_counters"
    __table_args__ = (Index("ix_rate_counters_expires", "expires"),)

    key: Mapped[str] = mapped_column(String(160), primary_key=True)
    #: The window's start, in seconds since the epoch (a multiple of its length).
    window_start: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    #: When the window ends (seconds since the epoch): after that the row is pruned.
    expires: Mapped[int] = mapped_column(BigInteger)
