"""What the callbacks share: the :class:`Services` (kept in ``application.bot_data`` by the wiring module) and
:func:`db`, which runs a blocking database call in a worker thread so the event loop stays free."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from types import MappingProxyType
from typing import Any, TypeVar

from telegram.ext import ContextTypes

from bot.campaigns.definition import definition_files, load_definitions
from bot.campaigns.records import Definition
from bot.campaigns.service import CampaignService
from bot.channels.assistant import Assistant
from bot.classroom.records import SessionInfo
from bot.classroom.service import ClassroomService
from bot.knowledge import KnowledgeBase
from bot.quiz.service import QuizService
from bot.settings import CAMPAIGNS_DIR, settings
from bot.telegram.answers import VoteBatcher
from bot.telegram.classvotes import ClassVoteBatcher

T = TypeVar("T")


@dataclass
class Services:
    """What the callbacks need; stored in ``application.bot_data["services"]`` by the wiring module."""

    quiz: QuizService
    assistant: Assistant
    kb: KnowledgeBase
    round_size: int = field(default_factory=lambda: settings().round_size)
    votes: VoteBatcher = field(init=False)
    #: The classroom engine, on the same database and clock as the quiz (a lesson's answers feed the quiz).
    classroom: ClassroomService = field(init=False)
    #: Telegram user id -> learner id: a learner's id never changes, so any worker may keep what it has looked up.
    learner_ids: dict[int, int] = field(init=False, default_factory=dict)
    class_votes: ClassVoteBatcher = field(init=False)
    #: What never changes in a class session (its class, teacher, group, language, size, mode), by session id, and
    #: learner id -> Telegram chat: read once per worker, so that posting a reveal costs no database read.
    sessions: dict[int, SessionInfo] = field(init=False, default_factory=dict)
    chats: dict[int, int] = field(init=False, default_factory=dict)
    #: The campaign definitions (issue 11); None: the shipped ones (campaigns/*.yml: :func:`shipped_campaigns`).
    campaign_definitions: Mapping[str, Definition] | None = None
    #: The campaign engine, on the same database and clock (a campaign's quiz answers feed the quiz too).
    campaigns: CampaignService = field(init=False)

    def __post_init__(self) -> None:
        self.votes = VoteBatcher(self.quiz)
        self.classroom = ClassroomService(self.quiz.db, clock=self.quiz.clock)
        self.class_votes = ClassVoteBatcher(self.classroom, self.learner_ids)
        definitions = self.campaign_definitions if self.campaign_definitions is not None else shipped_campaigns()
        self.campaigns = CampaignService(self.quiz.db, definitions, self.kb, clock=self.quiz.clock)

    def now(self) -> datetime:
        return self.quiz.clock()


@cache
def shipped_campaigns() -> Mapping[str, Definition]:
    """The campaigns shipped in campaigns/ (none if there is no such folder), read and checked once per process
    against the shipped knowledge base and banks: a broken file stops the bot at start-up, every problem listed."""
    if not (CAMPAIGNS_DIR.is_dir() and definition_files(CAMPAIGNS_DIR)):
        return {}
    return MappingProxyType(load_definitions(CAMPAIGNS_DIR))


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.bot_data["services"]


async def db(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a (blocking) database call in a worker thread."""
    return await asyncio.to_thread(function, *args, **kwargs)
