"""Shared fixtures. The stack fixtures run the real thing: the trained Rasa model in a Rasa server and our action
server, as child processes on 127.0.0.1 (``bot.runtime``); nothing of ours is mocked."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import pytest

from bot import runtime


@pytest.fixture(scope="session")
def model() -> Path:
    return runtime.train(echo=lambda _: None)


@pytest.fixture(scope="session")
def stack(model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[runtime.Stack]:
    db = tmp_path_factory.mktemp("rasa") / "tracker.db"
    with runtime.start_stack(model, tracker_db=db) as running:
        yield running


@dataclass
class Conversation:
    """One user talking to the bot through the REST channel, as a chat client would."""

    stack: runtime.Stack
    sender: str = field(default_factory=runtime.Stack.new_sender)
    last: list[dict[str, Any]] = field(default_factory=list)

    def say(self, text: str) -> list[dict[str, Any]]:
        self.last = self.stack.send(self.sender, text)
        return self.last

    @property
    def texts(self) -> list[str]:
        return [str(m.get("text") or "") for m in self.last]

    @property
    def text(self) -> str:
        return "\n\n".join(self.texts)

    @property
    def buttons(self) -> list[dict[str, Any]]:
        return [b for m in self.last for b in (m.get("buttons") or [])]

    def slots(self) -> dict[str, Any]:
        return dict(self.stack.tracker(self.sender).get("slots") or {})


@pytest.fixture
def conversation(stack: runtime.Stack) -> Conversation:
    return Conversation(stack)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # The stack tests share one server per session; run the cheap unit tests first so a broken basic fails fast.
    items.sort(key=lambda item: "stack" in item.keywords)

