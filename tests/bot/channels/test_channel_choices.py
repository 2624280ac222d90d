"""Numbered choices: a typed number resolved to its button, and the choices last shown kept in the database so
that any worker resolves "2" the same way (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.channels.choices import Choices, forget_before, remember, resolve, shown
from bot.channels.replies import Choice
from bot.db import Database

NOW = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
SHOWN = (Choice("是", "/affirm"), Choice("否", "/deny"), Choice("举报", "/ask_how_to_report"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("1", "/affirm", id="one"),
        pytest.param(" 2 ", "/deny", id="spaces"),
        pytest.param("３", "/ask_how_to_report", id="full-width"),
        pytest.param("2.", "/deny", id="dot"),
        pytest.param("2。", "/deny", id="chinese-stop"),
        pytest.param("#1", "/affirm", id="hash"),
        pytest.param("0", "0", id="zero"),
        pytest.param("4", "4", id="past-the-last"),
        pytest.param("110", "110", id="a-phone-number"),
        pytest.param("1 2", "1 2", id="two-numbers"),
        pytest.param("B", "B", id="a-quiz-letter"),
        pytest.param("我选1", "我选1", id="in-a-sentence"),
    ],
)
def test_resolve(text: str, expected: str) -> None:
    assert resolve(text, SHOWN) == expected


def test_without_choices_a_number_is_text() -> None:
    assert resolve("1", ()) == "1"


def test_choices_shown_on_one_worker_are_read_on_another(database_url: str) -> None:
    first, second = Database(database_url), Database(database_url)
    try:
        first.migrate()
        first.write_retrying(lambda s: remember(s, "wechat-a", SHOWN, NOW))
        with second.read() as s:
            assert shown(s, "wechat-a") == SHOWN
            assert shown(s, "wechat-b") == ()
        second.write_retrying(lambda s: remember(s, "wechat-a", SHOWN[:1], NOW + timedelta(seconds=1)))
        with first.read() as s:
            assert shown(s, "wechat-a") == SHOWN[:1]
        first.write_retrying(lambda s: remember(s, "wechat-a", (), NOW + timedelta(seconds=2)))
        with second.read() as s:
            assert shown(s, "wechat-a") == ()
    finally:
        first.dispose()
        second.dispose()


def test_async_store_and_forgetting_quiet_conversations(database: Database) -> None:
    store = Choices(database)

    async def scenario() -> tuple[tuple[Choice, ...], tuple[Choice, ...]]:
        await store.remember("web-old", SHOWN, NOW - timedelta(days=3))
        await store.remember("web-new", SHOWN[:2], NOW)
        return await store.shown("web-old"), await store.shown("web-new")

    old, new = asyncio.run(scenario())
    assert (old, new) == (SHOWN, SHOWN[:2])
    assert database.write_retrying(lambda s: forget_before(s, NOW - timedelta(days=1))) == 1
    with database.read() as s:
        assert shown(s, "web-old") == () and shown(s, "web-new") == SHOWN[:2]
