"""The actions hand a turn back when the message's metadata asks (a front end's own quiz, a story told in a group):
the marker is the only reply and the conversation's slots are left alone; without that metadata they answer."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions import ActionAnswerQuestion, ActionTeachExperience
from bot.actions.quiz import ActionQuizAnswer, ActionQuizProgress, ActionStartQuiz, ActionStopQuiz
from bot.channels.handback import metadata

STORY = "兼职刷单，先垫付300元做任务，现在说要再充2000才能提现"


def tracker(text: str, intent: str, meta: dict[str, Any] | None) -> Tracker:
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": [], "metadata": meta or {}}
    return Tracker("telegram-1", {}, latest, [], False, None, {}, "")


def run(action: Action, track: Tracker) -> tuple[list[dict[str, Any]], list[Any]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, track, {}))
    return dispatcher.messages, events


@pytest.mark.parametrize(
    ("action", "intent", "command"),
    [
        (ActionStartQuiz(), "start_quiz", "start_quiz"),
        (ActionQuizProgress(), "ask_progress", "ask_progress"),
        (ActionStopQuiz(), "stop_quiz", "stop_quiz"),
        (ActionQuizAnswer(), "quiz_answer", "quiz_answer"),
    ],
    ids=["start", "progress", "stop", "answer"],
)
def test_a_front_ends_own_quiz_is_handed_back(action: Action, intent: str, command: str) -> None:
    messages, events = run(action, tracker("quiz me", intent, metadata(own_quiz=True, group=False)))
    assert [m["custom"] for m in messages] == [{"front_end": command}] and not messages[0]["text"]
    assert events == []


def test_a_story_in_a_group_is_handed_back_untaught() -> None:
    messages, events = run(
        ActionTeachExperience(), tracker(STORY, "experience_order_brushing", metadata(own_quiz=True, group=True))
    )
    assert messages == [{**messages[0], "custom": {"front_end": "private_chat"}}]
    assert not messages[0]["text"] and not messages[0]["buttons"] and events == []


@pytest.mark.parametrize(
    ("action", "intent", "meta"),
    [
        (ActionTeachExperience(), "experience_order_brushing", metadata(own_quiz=True, group=False)),
        (ActionTeachExperience(), "experience_order_brushing", None),
        (ActionAnswerQuestion(), "question_order_brushing", metadata(own_quiz=True, group=True)),
    ],
    ids=["story-in-private", "story-without-metadata", "question-in-group"],
)
def test_other_turns_are_answered(action: Action, intent: str, meta: dict[str, Any] | None) -> None:
    messages, events = run(action, tracker(STORY, intent, meta))
    assert any("刷单" in str(m.get("text")) for m in messages)
    assert not any((m.get("custom") or {}).get("front_end") for m in messages)
    assert events  # the conversation's language (and what was learnt) is kept
