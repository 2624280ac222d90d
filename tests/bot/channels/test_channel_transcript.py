"""The web chat's transcript (SQLite and PostgreSQL): entries back in order with their buttons, urgency and
language, the newest ``limit`` of the kept days, one conversation's only, pruned by age; several workers writing at
once never collide; a bad entry is refused with every problem named."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import partial

import pytest

from bot.channels.replies import Choice
from bot.channels.transcript import Entry, Role, append, exists, prune, recent
from bot.db import Database
from tests.racing import at_once

NOW = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
LONG_AGO = NOW - timedelta(days=365)
TURN = [
    Entry(Role.USER, "有人打我电话 [PHONE] 说是公安", lang="zh"),
    Entry(Role.BOT, "🚨 现在立刻：\n1. 挂断电话", urgent=True, lang="zh"),
    Entry(Role.BOT, "这是典型的冒充公检法诈骗。", (Choice("怎么报案", "/ask_how_to_report"),), lang="zh"),
]


def test_a_turn_comes_back_as_it_was_written(database: Database) -> None:
    database.write_retrying(lambda s: append(s, "web-a", TURN, NOW))
    database.write_retrying(lambda s: append(s, "web-a", [Entry(Role.USER, "thanks", lang="en")], NOW))
    with database.read() as s:
        assert recent(s, "web-a", LONG_AGO, 100) == [*TURN, Entry(Role.USER, "thanks", lang="en")]
        assert recent(s, "web-a", LONG_AGO, 2) == [TURN[2], Entry(Role.USER, "thanks", lang="en")]  # the newest
        assert recent(s, "web-b", LONG_AGO, 100) == []  # only its own
        assert exists(s, "web-a") and not exists(s, "web-b")


def test_old_entries_are_not_shown_and_are_pruned(database: Database) -> None:
    database.write_retrying(lambda s: append(s, "web-a", TURN[:1], NOW - timedelta(days=40)))
    database.write_retrying(lambda s: append(s, "web-a", TURN[1:], NOW))
    with database.read() as s:
        assert recent(s, "web-a", NOW - timedelta(days=30), 100) == TURN[1:]
    assert database.write_retrying(lambda s: prune(s, NOW - timedelta(days=30))) == 1
    assert database.write_retrying(lambda s: prune(s, NOW - timedelta(days=30))) == 0
    with database.read() as s:
        assert recent(s, "web-a", LONG_AGO, 100) == TURN[1:]


def test_workers_writing_at_once_keep_every_turn_whole_and_in_order(database_url: str) -> None:
    workers = [Database(database_url) for _ in range(4)]
    try:
        workers[0].migrate()
        turns = {f"web-{n}": [Entry(Role.USER, f"{n}-{i}", lang="en") for i in range(5)] for n in range(8)}
        jobs = [
            partial(w.write_retrying, partial(lambda s, c, e: append(s, c, e, NOW), c=name, e=entries))
            for w, (name, entries) in zip(workers * 2, turns.items(), strict=True)
        ]
        _, errors = at_once(jobs)
        assert errors == []
        with workers[0].read() as s:
            for name, entries in turns.items():
                assert recent(s, name, LONG_AGO, 100) == entries
    finally:
        for w in workers:
            w.dispose()


def test_a_bad_entry_names_every_problem() -> None:
    with pytest.raises(ValueError, match="role must be a Role") as raised:
        Entry("user", 5, (Choice("a", "/b"),), True, "fr")  # type: ignore[arg-type]
    message = str(raised.value)
    assert "role must be a Role" in message and "text must be a string" in message and "lang must be one of" in message
    with pytest.raises(ValueError, match="a person's message has no buttons"):
        Entry(Role.USER, "hi", urgent=True)


@pytest.mark.parametrize("conversation", ["", "web-" + "x" * 61], ids=["empty", "too-long"])
def test_a_bad_conversation_id_is_refused(sqlite_db: Database, conversation: str) -> None:
    with pytest.raises(ValueError, match="conversation id"):
        sqlite_db.write_retrying(lambda s: append(s, conversation, TURN, NOW))
