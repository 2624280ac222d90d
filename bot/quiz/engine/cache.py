"""What the engine keeps between calls, for one database: one :class:`EngineCache` per :class:`bot.db.Database`.

The database does not know the engine (it is the lower layer): every session of a ``Database`` carries the
database's holder in ``session.info[SHARED]`` and the engine keeps its cache there, created on first use. So two
databases in one process (SQLite and PostgreSQL in the tests) never share statements, pools or questions, and all
the sessions and threads of one database do. A session made without a ``Database`` gets a cache of its own.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.orm import Session

from bot.db.database import SHARED
from bot.db.models import Question
from bot.quiz.engine.common import QuizError, table
from bot.quiz.model import Question as QuestionRecord
from bot.quiz.model import question_from_record

#: The engine's key in the database's holder.
KEY = "bot.quiz.engine"

S = TypeVar("S")


class EngineCache:
    """Everything the engine caches for one database:

    - ``statements``: the compiled statement sets (learners, selection, answers), each built once on first use
      and then executed with parameters, so that the hot paths are a handful of cached, compiled statements
      (see bench/quiz_next.py and bench/quiz_answers.py);
    - ``pools``: the active question ids of a pool by (bank version, audiences, focus) (``selection``);
    - ``records``: parsed questions by (id, content hash): the answers of a whole class to one question parse it
      once;
    - ``hashes``: per open transaction, the content hash of each question looked up in it (a question does not
      change within a transaction), forgotten with the transaction.
    """

    MAX_POOLS = 256
    MAX_RECORDS = 20_000

    def __init__(self) -> None:
        self.statements: dict[Callable[[str], Any], Any] = {}
        self.pools: dict[tuple, Any] = {}
        self.records: dict[tuple[str, str], QuestionRecord] = {}
        self.hashes: weakref.WeakKeyDictionary[Any, dict[str, str | None]] = weakref.WeakKeyDictionary()
        q = table(Question)
        self._hash = select(q.c.content_hash).where(q.c.id == bindparam("b_question"))
        self._content = select(q.c.content, q.c.content_hash).where(q.c.id == bindparam("b_question"))

    def built(self, kind: Callable[[str], S], session: Session) -> S:
        """The statement set ``kind`` (a class taking the dialect name), built on first use."""
        found = self.statements.get(kind)
        if found is None:
            found = self.statements[kind] = kind(session.get_bind().dialect.name)
        return found

    def question(self, connection: Connection, question_id: str, content_hash: str | None = None) -> QuestionRecord:
        """The question ``question_id`` as it is in this transaction (whose content hash the caller may have read
        in it already); :class:`QuizError` if there is none."""
        if content_hash is None:
            hashes = self.hashes.setdefault(connection.get_transaction() or connection, {})
            content_hash = hashes.get(question_id)
            if content_hash is None:
                content_hash = connection.execute(self._hash, {"b_question": question_id}).scalar()
                hashes[question_id] = content_hash
            if content_hash is None:
                raise QuizError(f"unknown question {question_id!r}")
        record = self.records.get((question_id, content_hash))
        if record is None:
            row = connection.execute(self._content, {"b_question": question_id}).one_or_none()
            if row is None:
                raise QuizError(f"unknown question {question_id!r}")
            record = question_from_record(row.content)
            if len(self.records) > self.MAX_RECORDS:
                self.records.clear()
            self.records[(question_id, row.content_hash)] = record  # as stored now, whatever the caller knew
        return record


def engine_cache(session: Session) -> EngineCache:
    """The cache of the session's database (see the module docstring)."""
    holder = session.info.get(SHARED)
    if holder is None:  # a session not made by a Database
        holder = session.info.setdefault(SHARED, {})
    cache = holder.get(KEY)
    if cache is None:
        cache = holder.setdefault(KEY, EngineCache())
    return cache
