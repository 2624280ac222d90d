"""The Telegram bot end to end: the real Application over real HTTP against the stand-in Bot API server, with the
real Rasa stack and quiz database."""

from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import event, func, select

from bot.db.models import Attempt, Learner, TelegramPoll
from bot.i18n import t
from tests.bot.telegram.counting import RasaCounter
from tests.bot.telegram.standin import (
    BOT_USERNAME,
    StandIn,
    callback_update,
    mention,
    message_update,
    poll_answer_update,
    user,
)

pytestmark = pytest.mark.stack

ANN = user(501, "en", "Ann")
LI = user(502, "zh-hans", "Li")
GROUP = -100123


def texts(standin: StandIn, chat_id: int) -> list[str]:
    return [str(c.params.get("text", "")) for c in standin.sent("sendMessage", chat_id)]


def say(standin: StandIn, who: dict, text: str, chat_id: int | None = None, **kw) -> int:
    update_id = standin.next_update_id()
    standin.push(message_update(update_id, chat_id or who["id"], who, text, **kw))
    return update_id


def test_onboarding_language_audience_welcome(standin: StandIn, make_bot) -> None:
    make_bot()
    say(standin, ANN, "/start")
    first = standin.wait_calls("sendMessage", 1, ANN["id"])[0]
    assert "Choose your language" in first.params["text"]
    keys = [b["callback_data"] for row in first.params["reply_markup"]["inline_keyboard"] for b in row]
    assert keys == ["lang:zh:start", "lang:en:start"]
    standin.push(callback_update(standin.next_update_id(), ANN["id"], ANN, "lang:en:start"))
    second = standin.wait_calls("sendMessage", 2, ANN["id"])[1]
    audiences = [b["callback_data"] for row in second.params["reply_markup"]["inline_keyboard"] for b in row]
    assert "aud:overseas_student" in audiences and len(audiences) == 6
    standin.push(callback_update(standin.next_update_id(), ANN["id"], ANN, "aud:overseas_student"))
    welcome = standin.wait_calls("sendMessage", 3, ANN["id"])[2].params["text"]
    assert welcome.startswith("Welcome!") and "/quiz" in welcome and "/progress" in welcome
    assert standin.sent("answerCallbackQuery")
    assert standin.sent("setMyCommands")


def test_an_ordinary_message_writes_no_learner(standin: StandIn, make_bot, telegram_db) -> None:
    """Reading the learner's language writes nothing: until they choose one (/start, /lang) or start a quiz, a user
    has no learner row and keeps the language of their Telegram settings; once they have one, messages leave it
    alone."""
    writes: list[str] = []

    def spy(_conn, _cursor, statement: str, *_args) -> None:
        if re.match(r"\s*(INSERT|UPDATE|DELETE)\b", statement, re.IGNORECASE) and "learner" in statement.lower():
            writes.append(statement)

    event.listen(telegram_db.engine, "before_cursor_execute", spy)
    try:
        make_bot()
        for n, text in enumerate(["/help", "/hotline", "what is order brushing?", "/help"], start=1):
            say(standin, ANN, text)
            standin.wait_calls("sendMessage", n, ANN["id"])
        replies = texts(standin, ANN["id"])
        assert "Commands:" in replies[0] and "Commands:" in replies[3]  # English both times (the guess)
        assert writes == []
        with telegram_db.read() as s:
            assert s.scalar(select(func.count()).select_from(Learner)) == 0

        say(standin, ANN, "/lang")
        standin.wait_calls("sendMessage", 5, ANN["id"])
        standin.push(callback_update(standin.next_update_id(), ANN["id"], ANN, "lang:zh:done"))
        standin.wait_calls("sendMessage", 6, ANN["id"])
        assert writes  # the choice is written
        with telegram_db.read() as s:
            assert s.scalar(select(Learner.lang).where(Learner.external_id == str(ANN["id"]))) == "zh"
        writes.clear()
        say(standin, ANN, "/help")
        assert "命令" in standin.wait_calls("sendMessage", 7, ANN["id"])[6].params["text"]  # the choice is read
        assert writes == []
    finally:
        event.remove(telegram_db.engine, "before_cursor_execute", spy)


@pytest.mark.parametrize(
    ("who", "story", "expect"),
    [
        (LI, "兼职刷单，先垫付300元做任务，说完成后返佣金，现在说要再充2000才能提现", "刷单"),
        (
            ANN,
            "someone on a dating app showed me a crypto trading platform, I invested 5000 and now I can't withdraw",
            "invest",
        ),
    ],
    ids=["zh-order-brushing", "en-investment"],
)
def test_a_story_gets_the_assistants_reply(standin: StandIn, make_bot, who: dict, story: str, expect: str) -> None:
    make_bot()
    say(standin, who, story)
    reply = standin.wait_calls("sendMessage", 1, who["id"])[0]
    assert expect.lower() in reply.params["text"].lower()
    assert reply.params.get("reply_markup", {}).get("inline_keyboard")  # the follow-up buttons


def test_urgent_case_stop_now_first(standin: StandIn, make_bot) -> None:
    make_bot()
    say(
        standin,
        ANN,
        "a man from the chinese embassy transferred my call to shanghai police, they say I'm a suspect "
        "and I must move my savings to a safe account right now, he is still on the line",
    )
    reply = standin.wait_calls("sendMessage", 1, ANN["id"])[0].params["text"]
    assert reply.startswith("🚨") and "safe account" in reply.lower()
    assert reply.index("🚨") < reply.lower().index("red flag") if "red flag" in reply.lower() else True


def test_a_full_quiz_by_polls_recorded_in_the_database(standin: StandIn, make_bot, telegram_db) -> None:
    make_bot()
    say(standin, ANN, "/quiz")
    for n in range(1, 4):
        poll = standin.wait_calls("sendPoll", n, ANN["id"])[-1]
        assert poll.params["is_anonymous"] is False and poll.params["type"] == "quiz"
        assert len(poll.params["explanation"]) <= 200 and len(poll.params["question"]) <= 300
        poll_id = _poll_id(telegram_db, n)
        standin.push(poll_answer_update(standin.next_update_id(), poll_id, ANN, [0]))
    standin.wait_for(lambda calls: any("Round over" in str(c.params.get("text", "")) for c in calls))
    with telegram_db.read() as s:
        learner = s.scalar(select(Learner).where(Learner.external_id == str(ANN["id"])))
        attempts = s.scalars(select(Attempt).where(Attempt.learner_id == learner.id)).all()
        assert len(attempts) == 3 and all(a.response_ms is not None for a in attempts)
    say(standin, ANN, "/progress")
    photo = standin.wait_calls("sendPhoto", 1, ANN["id"])[0]
    assert photo.params["photo"]["head"].startswith(b"\x89PNG")
    standin.wait_for(lambda calls: any("3 answers" in str(c.params.get("text", "")) for c in calls))


def _poll_id(db, n: int, timeout: float = 20.0) -> str:
    """The n-th poll the bot sent, once its mapping is in the database (it is saved right after sendPoll)."""
    deadline = time.monotonic() + timeout
    while True:
        with db.read() as s:
            ids = sorted(s.scalars(select(TelegramPoll.poll_id)), key=lambda p: int(re.sub(r"\D", "", p)))
        if len(ids) >= n or time.monotonic() > deadline:
            return ids[n - 1]
        time.sleep(0.05)


def test_a_replayed_update_changes_nothing(standin: StandIn, make_bot, telegram_db) -> None:
    make_bot()
    say(standin, ANN, "/quiz")
    standin.wait_calls("sendPoll", 1, ANN["id"])
    poll_id = _poll_id(telegram_db, 1)
    update = poll_answer_update(standin.next_update_id(), poll_id, ANN, [0])
    standin.push(update)
    standin.wait_calls("sendPoll", 2, ANN["id"])
    standin.push(update)  # the same update again
    say(standin, ANN, "/hotline")  # something after it, to know the replay was processed
    standin.wait_for(lambda calls: any("110" in str(c.params.get("text", "")) for c in calls))
    with telegram_db.read() as s:
        assert s.scalar(select(func.count()).select_from(Attempt)) == 1
    assert len(standin.sent("sendPoll", ANN["id"])) == 2


def test_unknown_or_closed_polls_are_ignored_quietly(standin: StandIn, make_bot, telegram_db) -> None:
    make_bot()
    standin.push(poll_answer_update(standin.next_update_id(), "no-such-poll", ANN, [1]))
    say(standin, ANN, "/quiz")
    standin.wait_calls("sendPoll", 1, ANN["id"])
    poll_id = _poll_id(telegram_db, 1)
    standin.push(poll_answer_update(standin.next_update_id(), poll_id, ANN, [0]))
    standin.wait_calls("sendPoll", 2, ANN["id"])
    standin.push(poll_answer_update(standin.next_update_id(), poll_id, ANN, [1]))  # closed now
    say(standin, ANN, "/help")
    standin.wait_for(
        lambda calls: any(
            "/quiz" in str(c.params.get("text", "")) and "Commands" in str(c.params.get("text", "")) for c in calls
        )
    )
    with telegram_db.read() as s:
        assert s.scalar(select(func.count()).select_from(Attempt)) == 1
    # no error reply (an explanation sent after an answer may well say "wrong", so the error text itself is looked for)
    assert not any(t("telegram.error", lang) in sent for sent in texts(standin, ANN["id"]) for lang in ("en", "zh"))


def test_restart_in_the_middle_of_a_quiz_loses_nothing(standin: StandIn, make_bot, telegram_db) -> None:
    bot = make_bot()
    say(standin, ANN, "/quiz")
    standin.wait_calls("sendPoll", 1, ANN["id"])
    poll_id = _poll_id(telegram_db, 1)
    bot.stop()
    make_bot()  # a new process would start the same way: nothing in memory
    standin.push(poll_answer_update(standin.next_update_id(), poll_id, ANN, [0]))
    standin.wait_calls("sendPoll", 2, ANN["id"])
    with telegram_db.read() as s:
        assert s.scalar(select(func.count()).select_from(Attempt)) == 1


def test_group_silence_and_no_story_posted_back(standin: StandIn, make_bot) -> None:
    make_bot()
    story = "我被刷单骗了，先垫付了3000元，卡号6222020200112233445"
    say(standin, LI, story, chat_id=GROUP, group=True)  # not addressed: silence
    say(standin, LI, "/hotline", chat_id=GROUP, group=True)
    standin.wait_calls("sendMessage", 1, GROUP)
    addressed = f"@{BOT_USERNAME} {story}"
    say(standin, LI, addressed, chat_id=GROUP, group=True, entities=mention(addressed))
    calls = standin.wait_calls("sendMessage", 2, GROUP)
    assert "私聊" in calls[1].params["text"]
    question = f"@{BOT_USERNAME} what is order brushing?"
    say(standin, ANN, question, chat_id=GROUP, group=True, entities=mention(question))
    calls = standin.wait_calls("sendMessage", 3, GROUP)
    for call in calls:
        assert "3000" not in call.params["text"] and "6222" not in call.params["text"]
    assert len(calls) == 3  # the unaddressed story got nothing
    say(standin, LI, "/quiz", chat_id=GROUP, group=True)
    poll = standin.wait_calls("sendPoll", 1, GROUP)[0]
    assert poll.params["is_anonymous"] is False


def test_one_call_to_rasa_per_text_message(standin: StandIn, make_bot, stack) -> None:
    """Issue 13: the front end parsed each text twice (/model/parse to route the quiz intents and a group's stories,
    then the REST channel). Through a counting proxy in front of the real Rasa server: one REST call per message,
    whatever the message turns out to be, and never /model/parse."""
    with RasaCounter(stack.rasa_url) as counter:
        make_bot(counter.url)
        story = "兼职刷单，先垫付300元做任务，说完成后返佣金，现在说要再充2000才能提现"
        turns = [
            (LI, story, None, lambda: said_in(standin, LI["id"], "刷单")),  # taught
            (ANN, "quiz me", None, lambda: standin.wait_calls("sendPoll", 1, ANN["id"])),  # the quiz poll
            (ANN, "B", None, lambda: said_in(standin, ANN["id"], "poll")),  # answer on the poll
            (ANN, "stop the quiz", None, lambda: said_in(standin, ANN["id"], "stopped")),
            (LI, f"@{BOT_USERNAME} {story}", GROUP, lambda: said_in(standin, GROUP, "私聊")),  # invited, not taught
            (ANN, f"@{BOT_USERNAME} what is order brushing?", GROUP, lambda: said_in(standin, GROUP, "rush")),
        ]
        for n, (who, text, chat, answered) in enumerate(turns, start=1):
            entities = mention(text) if chat else None
            say(standin, who, text, chat_id=chat, group=chat is not None, entities=entities)
            answered()
            assert counter.paths() == ["/webhooks/rest/webhook"] * n, text
    assert len(texts(standin, GROUP)) == 2  # the invitation and the answer: the story was not taught in the group


def said_in(standin: StandIn, chat_id: int, needle: str) -> None:
    standin.wait_for(lambda calls: any(needle in sent for sent in texts(standin, chat_id)))


def test_429_is_retried_after_the_wait(standin: StandIn, make_bot) -> None:
    make_bot()
    standin.fail_once("sendMessage", retry_after=1)
    say(standin, ANN, "/help")
    calls = standin.wait_calls("sendMessage", 2, ANN["id"])
    assert calls[1].at - calls[0].at >= 0.9  # waited as told, then sent
    assert calls[0].params["text"] == calls[1].params["text"]


def test_the_error_handler_tells_the_user_and_masks_the_log(standin: StandIn, make_bot, caplog) -> None:
    import asyncio

    from telegram import Update
    from telegram.ext import CallbackContext

    from bot.telegram.guards import on_error

    bot = make_bot()
    update = Update.de_json(message_update(99, ANN["id"], ANN, "/progress"), bot.application.bot)
    try:
        raise RuntimeError("while reading 卡号 6222020200112233445 from the user")
    except RuntimeError as error:
        context = CallbackContext.from_error(update, error, bot.application)
    with caplog.at_level("ERROR", logger="bot.telegram.guards"):
        asyncio.run_coroutine_threadsafe(on_error(update, context), bot.loop).result(30)
    friendly = standin.wait_calls("sendMessage", 1, ANN["id"])[0].params["text"]
    assert "Sorry, something went wrong" in friendly and "110" in friendly
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "RuntimeError" in logged and "6222020200112233445" not in logged and "[CARD]" in logged
