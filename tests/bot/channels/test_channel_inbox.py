"""The inbox: each inbound message handled once across workers and retries (SQLite and PostgreSQL): one claim
wins, a retry sees the first still running or its reply, a dead claim can be taken over, old entries pruned."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest

from bot.channels.inbox import Entry, Inbox, claim, finish, result
from bot.db import Database
from tests.racing import at_once

NOW = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
REPLY = {"passive": "🚨 现在立刻：...", "later": ["第二条"]}


def test_one_claim_wins_then_the_reply_is_kept(database: Database) -> None:
    assert database.write_retrying(lambda s: claim(s, "wechat", "msg-1", NOW))
    assert not database.write_retrying(lambda s: claim(s, "wechat", "msg-1", NOW + timedelta(seconds=5)))
    assert database.write_retrying(lambda s: claim(s, "web", "msg-1", NOW))  # another channel, another message
    with database.read() as s:
        assert result(s, "wechat", "msg-1") == Entry(NOW, None, None)
        assert result(s, "wechat", "msg-2") is None
    database.write_retrying(lambda s: finish(s, "wechat", "msg-1", REPLY, NOW + timedelta(seconds=2)))
    with database.read() as s:
        entry = result(s, "wechat", "msg-1")
    assert entry is not None and entry.done and entry.reply == REPLY
    assert entry.done_at == NOW + timedelta(seconds=2)


def test_workers_racing_for_one_message_one_wins(database_url: str) -> None:
    workers = [Database(database_url) for _ in range(6)]
    try:
        workers[0].migrate()
        jobs = [partial(w.write_retrying, lambda s: claim(s, "wechat", "retried", NOW)) for w in workers for _ in "ab"]
        results, errors = at_once(jobs)
    finally:
        for w in workers:
            w.dispose()
    assert errors == []
    assert results.count(True) == 1 and results.count(False) == len(jobs) - 1


@pytest.mark.parametrize(
    ("age", "taken"),
    [
        pytest.param(timedelta(seconds=10), False, id="still-running"),
        pytest.param(timedelta(minutes=2), True, id="dead"),
    ],
)
def test_a_dead_claim_is_taken_over(database: Database, age: timedelta, taken: bool) -> None:
    database.write_retrying(lambda s: claim(s, "web", "c-1", NOW - age))
    again = partial(claim, channel="web", key="c-1", now=NOW, stale_after=timedelta(minutes=1))
    assert database.write_retrying(lambda s: again(s)) is taken
    assert database.write_retrying(lambda s: again(s)) is False  # taken over once


def test_a_finished_message_is_never_taken_over(database: Database) -> None:
    database.write_retrying(lambda s: claim(s, "web", "c-1", NOW - timedelta(hours=1)))
    database.write_retrying(lambda s: finish(s, "web", "c-1", [], NOW - timedelta(hours=1)))
    assert not database.write_retrying(lambda s: claim(s, "web", "c-1", NOW, stale_after=timedelta(minutes=1)))


def test_async_inbox_and_pruning(database: Database) -> None:
    inbox = Inbox(database)

    async def scenario() -> tuple[bool, bool, Entry | None, int]:
        first = await inbox.claim("wechat", "old", NOW - timedelta(days=2))
        await inbox.finish("wechat", "old", ["done"], NOW - timedelta(days=2))
        second = await inbox.claim("wechat", "new", NOW)
        entry = await inbox.result("wechat", "old")
        return first, second, entry, await inbox.prune(NOW - timedelta(days=1))

    first, second, entry, pruned = asyncio.run(scenario())
    assert first and second and entry is not None and entry.reply == ["done"] and pruned == 1
    with database.read() as s:
        assert result(s, "wechat", "old") is None and result(s, "wechat", "new") is not None


@pytest.mark.parametrize(
    ("channel", "key"),
    [
        pytest.param("", "k", id="no-channel"),
        pytest.param("web", "", id="no-key"),
        pytest.param("web", "k" * 129, id="long"),
    ],
)
def test_bad_keys_are_refused(sqlite_db: Database, channel: str, key: str) -> None:
    with pytest.raises(ValueError, match=r"channel|key"):
        sqlite_db.write_retrying(lambda s: claim(s, channel, key, NOW))
