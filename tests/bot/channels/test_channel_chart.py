"""The progress chart shared by the front ends that show images, the action server's chart marker read into the
reply items, and the conversation ids that key a WeChat follower's quiz by their OpenID."""

from __future__ import annotations

import pytest

from bot.channels.chart import mastery_chart
from bot.channels.ids import quiz_learner, wechat_conversation
from bot.channels.replies import CHART, URGENT, Choice, Item, items
from bot.db.models import Channel
from bot.shared.labels import ScamType


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_mastery_chart_is_a_png(lang: str) -> None:
    png = mastery_chart({scam.value: i / 15 for i, scam in enumerate(ScamType) if scam is not ScamType.NONE}, lang)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5_000


def test_the_chart_marker_marks_the_report_before_it() -> None:
    report = {"text": "Your progress", "buttons": [{"title": "Quiz again", "payload": "/start_quiz"}]}
    got = items([{"text": "hello"}, report, {"custom": {CHART: True}}])
    assert got == [
        Item("hello"),
        Item("Your progress", (Choice("Quiz again", "/start_quiz"),), chart=True),
    ]
    both = items([{"text": "stop now"}, {"custom": {URGENT: True}}, {"custom": {CHART: True}}])
    assert both == [Item("stop now", urgent=True, chart=True)]  # one marker does not undo the other
    assert items([{"custom": {CHART: True}}, {"text": "x"}]) == [Item("x")]  # nothing before it: ignored


@pytest.mark.parametrize(
    ("conversation", "learner"),
    [
        ("wechat-oTest0123456789abcdef0123456", (Channel.WECHAT, "oTest0123456789abcdef0123456")),
        ("web-0a1b2c3d4e5f", (Channel.CHAT, "web-0a1b2c3d4e5f")),
        ("f3a9c0", (Channel.CHAT, "f3a9c0")),
        ("wechat-", (Channel.CHAT, "wechat-")),
    ],
    ids=["wechat", "web", "terminal", "empty-openid"],
)
def test_quiz_learner_of_a_conversation(conversation: str, learner: tuple[Channel, str]) -> None:
    assert quiz_learner(conversation) == learner


def test_a_wechat_conversation_round_trips() -> None:
    openid = "oTest0123456789abcdef0123456"
    assert quiz_learner(wechat_conversation(openid)) == (Channel.WECHAT, openid)
    with pytest.raises(ValueError, match="OpenID"):
        wechat_conversation("")
