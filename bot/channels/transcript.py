"""A chat's transcript, as a page shows it again after a reload (the web chat: table ``web_chat_log``): what the
person said (masked by the caller) and the assistant's items, in order, kept for a number of days.

Engine functions: the caller owns the session and the transaction (the web chat writes a turn's entries, the
inbox's answer and the pruning in one).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from bot.channels.replies import Choice
from bot.channels.store import changed
from bot.db.models import WebChatLog
from bot.i18n import LANGS

MAX_CONVERSATION = 64


class Role(StrEnum):
    USER = "user"
    BOT = "bot"


@dataclass(frozen=True)
class Entry:
    """One message of the transcript: who said it, the text, the buttons under it, urgent or not, its language."""

    role: Role
    text: str
    buttons: tuple[Choice, ...] = ()
    urgent: bool = False
    lang: str = "zh"

    def __post_init__(self) -> None:
        problems = []
        if not isinstance(self.role, Role):
            problems.append(f"role must be a Role: {self.role!r}")
        if not isinstance(self.text, str):
            problems.append(f"text must be a string: {type(self.text).__name__}")
        if self.lang not in LANGS:
            problems.append(f"lang must be one of {', '.join(LANGS)}: {self.lang!r}")
        if self.role is Role.USER and (self.buttons or self.urgent):
            problems.append("a person's message has no buttons and is not urgent")
        if problems:
            raise ValueError("; ".join(problems))


def _check(conversation: str) -> None:
    if not conversation or len(conversation) > MAX_CONVERSATION:
        raise ValueError(f"a conversation id has 1 to {MAX_CONVERSATION} characters ({len(conversation)})")


def append(session: Session, conversation: str, entries: Sequence[Entry], now: datetime) -> None:
    """``entries`` follow the conversation's transcript, in order."""
    _check(conversation)
    for entry in entries:  # one statement per row: the order of the rows is the order of their ids
        session.execute(
            insert(WebChatLog).values(
                conversation=conversation,
                role=entry.role.value,
                text=entry.text,
                buttons=[{"title": c.title, "payload": c.payload} for c in entry.buttons],
                urgent=entry.urgent,
                lang=entry.lang,
                created_at=now,
            )
        )


def exists(session: Session, conversation: str) -> bool:
    """Has the conversation a transcript (has it begun)?"""
    found = session.scalar(select(WebChatLog.seq).where(WebChatLog.conversation == conversation).limit(1))
    return found is not None


def recent(session: Session, conversation: str, since: datetime, limit: int) -> list[Entry]:
    """The last ``limit`` entries of the conversation written at ``since`` or later, oldest first."""
    rows = session.execute(
        select(WebChatLog.role, WebChatLog.text, WebChatLog.buttons, WebChatLog.urgent, WebChatLog.lang)
        .where(WebChatLog.conversation == conversation, WebChatLog.created_at >= since)
        .order_by(WebChatLog.seq.desc())
        .limit(limit)
    ).all()
    return [
        Entry(
            Role(row.role),
            row.text,
            tuple(Choice(str(b["title"]), str(b["payload"])) for b in row.buttons or ()),
            bool(row.urgent),
            row.lang if row.lang in LANGS else LANGS[0],
        )
        for row in reversed(rows)
    ]


def prune(session: Session, before: datetime) -> int:
    """Forget every entry written before ``before``; how many."""
    return changed(session, delete(WebChatLog).where(WebChatLog.created_at < before))
