"""One conversation turn of a chat channel, through the running stack (the trained Rasa model and the action
server): the stop-now steps first and marked, a typed number answering the buttons shown (on any worker: the
choices are in the database), a quiz round by typed numbers and letters, empty and huge input, the assistant
down, and nothing personal kept."""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from collections.abc import Awaitable, Callable
from typing import TypeVar

import pytest
from sqlalchemy import select

from bot.channels.assistant import Assistant
from bot.channels.choices import shown
from bot.channels.replies import Item, choices_of
from bot.channels.turn import MAX_INPUT, Conversation, InputProblem, problem, turn
from bot.db import Database
from bot.db.models import ChatChoice
from bot.runtime import Stack
from bot.shared.privacy import mask

pytestmark = pytest.mark.stack

T = TypeVar("T")
URGENT_ZH = "一个自称上海公安的人现在还在跟我视频，说我涉嫌洗钱，电话是从大使馆转接过来的，要我马上把钱转到安全账户"


def run(stack: Stack, work: Callable[[Assistant], Awaitable[T]]) -> T:
    """``work`` with an assistant client on the running stack, in one event loop."""

    async def main() -> T:
        assistant = Assistant(stack.rasa_url)
        try:
            return await work(assistant)
        finally:
            await assistant.close()

    return asyncio.run(main())


def new_id() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


def test_urgent_story_then_a_typed_number_on_another_worker(stack: Stack, sqlite_url: str) -> None:
    one, two = Database(sqlite_url), Database(sqlite_url)
    one.migrate()
    cid = new_id()

    async def talk(assistant: Assistant) -> tuple[list[Item], list[Item]]:
        story = await turn(assistant, one, cid, URGENT_ZH, lang_hint="en")
        answer = await turn(assistant, two, cid, "１", lang_hint="zh")  # "yes, I have sent money" typed on worker 2
        return story, answer

    try:
        story, answer = run(stack, talk)
        assert story[0].urgent and story[0].text.startswith("🚨") and "110" in story[0].text
        assert not any(item.urgent for item in story[1:])
        assert [c.payload for c in choices_of(story)] == ["/affirm", "/deny"]
        assert "银行" in "\n".join(i.text for i in answer)  # the after-loss steps: "1" meant /affirm
        assert stack.tracker(cid)["slots"]["money_sent"] == "yes"
        with two.read() as s:
            assert [c.payload for c in shown(s, cid)] == [c.payload for c in choices_of(answer)]
    finally:
        one.dispose()
        two.dispose()


def test_a_quiz_round_by_typed_number_and_letter(stack: Stack, sqlite_db: Database) -> None:
    cid = new_id()
    conversation = Conversation(Assistant(stack.rasa_url), sqlite_db)

    async def talk(assistant: Assistant) -> list[list[Item]]:
        conversation.assistant = assistant
        asked = await conversation.turn(cid, "考考我")
        audiences = [c.payload for c in choices_of(asked)]
        number = 1 + audiences.index('/start_quiz{"audience":"parent"}')
        question = await conversation.turn(cid, str(number))
        feedback = await conversation.turn(cid, "a")
        return [asked, question, feedback]

    asked, question, feedback = run(stack, talk)
    assert len(choices_of(asked)) == 6
    assert question[0].text.startswith("第 1/5 题")
    assert feedback[0].text.startswith(("✅", "❌"))
    assert any(i.text.startswith("第 2/5 题") for i in feedback)


def test_a_number_without_choices_is_passed_on_as_text(stack: Stack, sqlite_db: Database) -> None:
    cid = new_id()
    replies = run(stack, lambda a: turn(a, sqlite_db, cid, "96110"))
    assert replies and not any(i.urgent for i in replies)
    assert "96110" in stack.tracker(cid)["latest_message"]["text"]


@pytest.mark.parametrize(
    ("text", "hint", "expected"),
    [
        pytest.param("", "zh", "我没有收到文字", id="empty-zh"),
        pytest.param(" \x00\x07 \n", "en", "I didn't get any text", id="junk-en"),
    ],
)
def test_empty_input_gets_a_clear_message_and_is_not_relayed(
    stack: Stack, sqlite_db: Database, text: str, hint: str, expected: str
) -> None:
    cid = new_id()
    replies = run(stack, lambda a: turn(a, sqlite_db, cid, text, lang_hint=hint))
    assert [i.text.startswith(expected) for i in replies] == [True]
    assert problem(text) is InputProblem.EMPTY
    assert stack.tracker(cid).get("latest_message", {}).get("text") in (None, "")


def test_huge_input_is_cut_and_said_so_after_the_replies(stack: Stack, sqlite_db: Database) -> None:
    text = "my card 6222 0212 3456 7890 123 was used. " * (MAX_INPUT // 40 + 50)
    cid = new_id()
    replies = run(stack, lambda a: turn(a, sqlite_db, cid, text, lang_hint="en"))
    assert problem(text) is InputProblem.TOO_LONG and problem(text[:MAX_INPUT]) is None
    note = f"(Your message was {len(text.strip())} characters; I read the first {MAX_INPUT}.)"
    assert len(replies) >= 2 and replies[-1].text == note
    latest = stack.tracker(cid)["latest_message"]["text"]
    assert "6222 0212 3456 7890 123" not in latest and latest.count("[CARD]") > 400 and len(latest) <= MAX_INPUT


def test_nothing_personal_is_stored(stack: Stack, sqlite_db: Database) -> None:
    cid = new_id()
    story = "我的银行卡号 6222021234567890123 和手机 13812345678 被骗子要走了，他现在还在电话里让我转账"
    run(stack, lambda a: turn(a, sqlite_db, cid, story))
    with sqlite_db.read() as s:
        stored = json.dumps([row.choices for row in s.scalars(select(ChatChoice))], ensure_ascii=False)
    assert not re.search(r"\d{11}", stored)
    assert "13812345678" not in stack.tracker(cid)["latest_message"]["text"]
    assert mask(story) == stack.tracker(cid)["latest_message"]["text"]


@pytest.mark.parametrize(
    ("hint", "expected"),
    [pytest.param("zh", "助手暂时无法回答", id="zh"), pytest.param("en", "The assistant can't", id="en")],
)
def test_the_assistant_down_gets_a_clear_message(sqlite_db: Database, hint: str, expected: str) -> None:
    async def talk() -> list[Item]:
        assistant = Assistant("http://127.0.0.1:9", timeout=2.0)
        try:
            return await turn(assistant, sqlite_db, new_id(), "1", lang_hint=hint)
        finally:
            await assistant.close()

    replies = asyncio.run(talk())
    assert len(replies) == 1 and replies[0].text.startswith(expected)


@pytest.mark.parametrize("cid", [pytest.param("", id="empty"), pytest.param("x" * 129, id="long")])
def test_a_conversation_id_is_required(sqlite_db: Database, cid: str) -> None:
    with pytest.raises(ValueError, match="conversation id"):
        asyncio.run(turn(Assistant("http://127.0.0.1:9"), sqlite_db, cid, "hi"))
