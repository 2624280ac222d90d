"""The action server marks the stop-now steps for the chat channels: one message (Rasa's REST channel would split
it at a blank line) followed by ``{"custom": {"urgent": true}}``; other messages are sent as they are."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from bot.actions import send, urgent
from bot.assistant.teach import Button, Reply
from bot.channels.replies import Item, items
from bot.i18n import t


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_stop_now_steps_are_marked(lang: str) -> None:
    stop = t("assistant.stop_now_title", lang) + "\n1. a\n\n2. b"
    dispatcher = CollectingDispatcher()
    send(dispatcher, Reply([stop, "named\n\nflags", "ask"], [Button("yes", "/affirm")]))
    assert [m.get("text") for m in dispatcher.messages] == [stop.replace("\n\n", "\n"), None, "named\n\nflags", "ask"]
    assert dispatcher.messages[1]["custom"] == {"urgent": True}
    assert dispatcher.messages[3]["buttons"] == [{"title": "yes", "payload": "/affirm"}]
    # As a chat channel reads Rasa's REST reply of these messages:
    rest = [{"text": stop.replace("\n\n", "\n")}, {"custom": {"urgent": True}}, {"text": "named"}, {"text": "flags"}]
    assert [i.urgent for i in items(rest)] == [True, False, False]
    assert items(rest)[0] == Item(stop.replace("\n\n", "\n"), urgent=True)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("If you have already sent money:\n1. a", id="after-loss"),
        pytest.param("Do this now", id="no-marker"),
        pytest.param("x 🚨 现在立刻：", id="not-at-the-start"),
    ],
)
def test_other_messages_are_not_marked(text: str) -> None:
    dispatcher = CollectingDispatcher()
    send(dispatcher, Reply([text]))
    assert not urgent(text)
    assert [m.get("custom") for m in dispatcher.messages] == [{}]
