"""Numbered choices: channels without buttons (WeChat text) show a reply's buttons as "1. ... 2. ..."; a number
typed back means that button. The choices last shown in a conversation are kept in the database
(``chat_choices``), so that "2" typed to any worker means the second button shown.

- :func:`resolve`: a typed number (``2``, ``２``, ``2.``) within the choices -> that choice's payload; any other
  text unchanged.
- :func:`shown` / :func:`remember`: the choices of a conversation, read and replaced (engine functions: the
  caller owns the transaction; :class:`Choices` runs them on a database from async code).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.channels.replies import Choice
from bot.channels.store import changed, dialect_insert, reading, writing
from bot.db import Database
from bot.db.models import ChatChoice

#: A number typed on its own: "2", " 2 ", "2.", "２", "2。", "#2".
NUMBER = re.compile(r"^\s*#?\s*(\d{1,2})\s*[.。)）!！]?\s*$")


def resolve(text: str, choices: Sequence[Choice]) -> str:
    """The payload of the choice whose number ``text`` is, else ``text`` unchanged."""
    match = NUMBER.match(unicodedata.normalize("NFKC", text)) if choices else None
    if match is None:
        return text
    number = int(match.group(1))
    return choices[number - 1].payload if 1 <= number <= len(choices) else text


def shown(session: Session, conversation: str) -> tuple[Choice, ...]:
    """The choices last shown in ``conversation`` (none when none were)."""
    stored = session.scalar(select(ChatChoice.choices).where(ChatChoice.conversation == conversation))
    return tuple(Choice(str(c["title"]), str(c["payload"])) for c in stored or ())


def remember(session: Session, conversation: str, choices: Sequence[Choice], now: datetime) -> None:
    """``choices`` are now the ones shown in ``conversation`` (none: a number typed next is just text)."""
    if not choices:
        session.execute(delete(ChatChoice).where(ChatChoice.conversation == conversation))
        return
    data = [{"title": c.title, "payload": c.payload} for c in choices]
    insert = dialect_insert(session)
    statement = insert(ChatChoice).values(conversation=conversation, choices=data, updated_at=now)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[ChatChoice.conversation],
            set_={"choices": statement.excluded.choices, "updated_at": statement.excluded.updated_at},
        )
    )


def forget_before(session: Session, before: datetime) -> int:
    """Drop the choices shown before ``before`` (conversations gone quiet); how many."""
    return changed(session, delete(ChatChoice).where(ChatChoice.updated_at < before))


class Choices:
    """:func:`shown` and :func:`remember` on a database, from async code (each its own short transaction)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def shown(self, conversation: str) -> tuple[Choice, ...]:
        return await reading(self.db, lambda session: shown(session, conversation))

    async def remember(self, conversation: str, choices: Sequence[Choice], now: datetime) -> None:
        await writing(self.db, lambda session: remember(session, conversation, choices, now))
