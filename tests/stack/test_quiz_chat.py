"""The quiz in the assistant's chat, through the running stack: "quiz me"/"考考我", answers by button and by typed
letter, feedback that teaches, the next question, "how am I doing", stopping, and everything stored in the quiz
database (keyed by conversation, so it survives restarts)."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from bot.db import Database
from bot.db.models import Attempt, Channel, Learner
from bot.runtime import Stack
from tests.conftest import Conversation

pytestmark = pytest.mark.stack


def quiz_db(stack: Stack) -> Database:
    assert stack.database_url
    return Database(stack.database_url)


def letters_of(conversation: Conversation) -> list[str]:
    return re.findall(r"^([A-J])\. ", conversation.text, flags=re.M)


def answer_payload(letter: str) -> str:
    return "/quiz_answer" + json.dumps({"choice": letter}, separators=(",", ":"))


def test_quiz_in_chinese_by_buttons_and_typing(conversation: Conversation) -> None:
    conversation.say("考考我")
    assert "你是" in conversation.text or "身份" in conversation.text
    audiences = {b["payload"] for b in conversation.buttons}
    assert '/start_quiz{"audience":"parent"}' in audiences and len(audiences) == 6

    conversation.say('/start_quiz{"audience":"parent"}')
    assert conversation.text.startswith("第 1/5 题")  # (Rasa's REST channel splits a message at blank lines)
    first = conversation.text
    options = letters_of(conversation)
    assert len(options) >= 2
    if conversation.buttons:  # one-answer question: a button per option
        assert conversation.buttons[0]["payload"].startswith('/quiz_answer{"choice":"A","item":"')

    conversation.say("a" if "多选" not in first and "找出" not in first else "A B")  # typed, lower case
    feedback = conversation.texts[0]
    assert feedback.startswith(("✅", "❌")) and len(feedback) > 20  # teaches why
    assert "\n\n第 2/5 题" in conversation.text

    for _ in range(4):
        conversation.say(answer_payload("A") if conversation.buttons else "AB")
    assert "本轮结束" in conversation.text and "/5" in conversation.text
    assert {b["payload"] for b in conversation.buttons} == {"/start_quiz", "/ask_progress"}

    conversation.say("我答得怎么样")
    assert "答题 5 次" in conversation.text and "掌握程度" in conversation.text

    with quiz_db(conversation.stack).read() as s:
        learner = s.scalar(
            select(Learner).where(Learner.channel == Channel.CHAT, Learner.external_id == conversation.sender)
        )
        assert learner is not None and [a.audience for a in learner.audiences] == ["parent"]
        assert s.scalar(select(func.count()).select_from(Attempt).where(Attempt.learner_id == learner.id)) == 5


def test_quiz_in_english_replayed_button_and_bad_letter(conversation: Conversation) -> None:
    conversation.say("quiz me")
    conversation.say('/start_quiz{"audience":"overseas_student"}')
    assert conversation.text.startswith("Question 1/5")
    n = len(letters_of(conversation))
    conversation.say(chr(ord("A") + n))  # one letter past the last option
    assert "option letters" in conversation.text
    first_buttons = conversation.buttons
    conversation.say(answer_payload("A") if not first_buttons else first_buttons[0]["payload"])
    assert "\n\nQuestion 2/5" in conversation.text
    if first_buttons:  # the same button pressed again (or the request replayed): answers nothing
        conversation.say(first_buttons[0]["payload"])
        assert conversation.text.startswith("You've already answered that one.") and "Question 2/5" in conversation.text
    conversation.say(answer_payload("A"))
    with quiz_db(conversation.stack).read() as s:
        learner = s.scalar(select(Learner).where(Learner.external_id == conversation.sender))
        assert learner is not None
        assert s.scalar(select(func.count()).select_from(Attempt).where(Attempt.learner_id == learner.id)) == 2

    conversation.say("how am I doing")
    assert "2 answers" in conversation.text and "Mastery per scam type" in conversation.text
    conversation.say("stop the quiz")
    assert "quiz stops here" in conversation.text
    conversation.say("B")
    assert "no question waiting" in conversation.text


def test_quiz_me_again_resumes_the_waiting_question(conversation: Conversation) -> None:
    conversation.say("quiz me")
    conversation.say('/start_quiz{"audience":"job_seeker"}')
    first = conversation.text
    conversation.say("what is order brushing?")  # a question in the middle of the quiz is answered as usual
    assert "Question" not in conversation.text
    conversation.say("quiz me")
    assert conversation.text == first  # the same waiting question, not a new round


def test_progress_before_any_answer(conversation: Conversation) -> None:
    conversation.say("我的进度")
    assert "还没有答过题" in conversation.text
