"""What the web chat's tests share: the app with the web chat on an assistant (the real Rasa stack, or an address
where nothing answers), a fixed clock for the limits, and the stories they tell."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from starlette.applications import Starlette

from bot.channels.assistant import Assistant
from bot.classroom.service import ClassroomService
from bot.runtime import Stack, free_ports
from bot.web.app import create_app
from bot.web.chat import ChatOptions
from tests.bot.web.conftest import BOT

URGENT_ZH = "一个自称上海公安的人现在还在跟我视频，说我涉嫌洗钱，电话是从大使馆转接过来的，要我马上把钱转到安全账户"
URGENT_EN = (
    "someone from shanghai police is on the phone right now, he transferred my call from the chinese embassy and "
    "wants me to move my savings to a safe account immediately, i'm still on the line"
)
STOP_NOW = ("🚨 现在立刻：", "🚨 Do this now:")


def dead_assistant() -> Assistant:
    """An assistant at a port where nothing listens: every turn finds it down."""
    (port,) = free_ports(1)
    return Assistant(f"http://127.0.0.1:{port}", timeout=2.0)


def chat_app(
    svc: ClassroomService,
    assistant: Assistant,
    *,
    clock: Callable[[], datetime] | None = None,
    **limits: Any,
) -> Starlette:
    options = ChatOptions(assistant, **limits) if clock is None else ChatOptions(assistant, clock=clock, **limits)
    return create_app(svc, svc.db, bot_username=BOT, chat=options)


def stack_assistant(stack: Stack) -> Assistant:
    return Assistant(stack.rasa_url, stack.token)
